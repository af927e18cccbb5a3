"""The dev demo page (/demo): a browser joins a room through the API and connects with livekit-client.

Mounted only when ``ROOMSVC_DEMO_ENABLED`` is on (by default: in dev mode). Its backend routes call the
public API over HTTP with the dev caller credential, server side, exactly as an app backend would; the
browser only ever receives LiveKit join tokens, never a caller secret or caller token.
"""
