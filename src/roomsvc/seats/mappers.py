"""Seat rows → API responses (the one place seats are shaped for the outside)."""

from __future__ import annotations

from roomsvc.seats.models import Seat, SeatRequest
from roomsvc.seats.schemas import SeatOut, SeatRequestOut
from roomsvc.types import to_struct


def seat_out(seat: Seat) -> SeatOut:
    return to_struct(SeatOut, seat, index=seat.seat_index)


def request_out(request: SeatRequest) -> SeatRequestOut:
    return to_struct(SeatRequestOut, request, id=request.public_id, seat=request.seat_index)
