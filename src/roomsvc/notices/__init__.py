"""Server → room notices: LiveKit data messages that roomsvc sends into a room (its own notices on the
``roomsvc.notice`` topic, and app messages through ``POST /v1/rooms/{room}/messages``)."""
