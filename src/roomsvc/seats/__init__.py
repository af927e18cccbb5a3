"""Stage seats: in a room with seats, audience and members publish only while seated."""
