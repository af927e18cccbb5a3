"""Recording rooms and tracks: storage (a local directory or S3-compatible object storage) and the
media path (PyAV encoding and muxing) that the recorder agent uses."""
