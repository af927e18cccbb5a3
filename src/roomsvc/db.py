"""Database plumbing: the declarative Base, the async engine, and the per-request transaction.

The transaction belongs to the edge: :func:`provide_session` opens one session per request, commits it
when the handler succeeds and rolls it back when anything raises (:class:`DriverPool` does the same on
a driver connection for the join's hot path). Services never commit, with one
documented exception: writes that span MySQL *and* LiveKit (see ``docs/architecture.md``) commit a
pending row before calling LiveKit, so a crash between the two leaves a row that says "pending", never a
row that claims something LiveKit does not have.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import time
from collections.abc import AsyncIterator, Callable, Collection
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from typing import Any

import aiomysql
from sqlalchemy import BigInteger, DateTime, MetaData, Select, String, event, inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ColumnProperty, DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.base import NO_VALUE
from sqlalchemy.types import TypeDecorator

from roomsvc.config import DatabaseSettings
from roomsvc.errors import DatabaseUnavailable
from roomsvc.types import Page, decode_cursor, encode_cursor

MYSQL_DEADLOCK = 1213  # ER_LOCK_DEADLOCK: InnoDB rolled this transaction back to break a lock cycle
MYSQL_LOCK_WAIT_TIMEOUT = 1205  # ER_LOCK_WAIT_TIMEOUT: a lock was not granted within innodb_lock_wait_timeout
CONFLICT_CODES = frozenset({MYSQL_DEADLOCK, MYSQL_LOCK_WAIT_TIMEOUT})
CONFLICT_ATTEMPTS = 4  # a unit of work that loses a lock conflict runs at most this many times in all
CONFLICT_BACKOFF = 0.01  # seconds: the first retry's jitter window; doubles with each further attempt

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """DATETIME(6) stored as naive UTC, returned as aware UTC (MariaDB has no time zone in DATETIME)."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name in ("mysql", "mariadb"):
            from sqlalchemy.dialects.mysql import DATETIME

            return dialect.type_descriptor(DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def exact(length: int) -> String:
    """A VARCHAR compared byte for byte: LiveKit names, identities and sids are case-sensitive."""
    return String(length, collation="utf8mb4_bin")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), int: BigInteger()}


class IdMixin:
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True, sort_order=-100)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def write_modified(session: AsyncSession, classes: Collection[type[IdMixin]]) -> int:
    """Write the pending changes of the session's modified objects of ``classes`` in one UPDATE per class
    and set of changed columns — ``UPDATE t SET c = CASE id WHEN … THEN … END, … WHERE id IN (…)`` —
    instead of the unit of work's one UPDATE (one round trip) per row; the written values become the
    objects' committed state, so the next flush sends nothing more for them. A column with a Python
    ``onupdate`` (``updated_at``) gets it, as the unit of work's UPDATE would give it. An object with a
    changed attribute that is not a plain column is left to the flush. Returns the rows written."""
    groups: dict[tuple[type[IdMixin], tuple[str, ...]], list[tuple[Any, dict[str, Any]]]] = {}
    for obj in session.dirty:
        cls = type(obj)
        if cls not in classes:
            continue
        state = inspect(obj)
        changed: dict[str, Any] = {}
        for key, committed in state.committed_state.items():
            value = state.dict.get(key, NO_VALUE)
            if not isinstance(state.mapper.attrs.get(key), ColumnProperty) or value is NO_VALUE:
                changed = {}
                break
            if committed is NO_VALUE or committed != value:
                changed[key] = value
        if changed and obj.id is not None:
            groups.setdefault((cls, tuple(sorted(changed))), []).append((obj, changed))
    written = 0
    if not groups:
        return 0
    connection = await session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    for (cls, keys), rows in groups.items():
        table = cls.__table__  # type: ignore[attr-defined]
        stamps = {
            column.key: column.onupdate.arg(None)
            for column in table.c
            if column.onupdate is not None and column.onupdate.is_callable and column.key not in keys
        }
        # The statement as text for the driver: building it as a SQLAlchemy construct (a bound literal
        # per value, compiled anew for every number of rows) cost more CPU than the rows' own work.
        whens = " ".join(["WHEN %s THEN %s"] * len(rows))
        id_column = quote(table.c.id.name)
        assignments = [f"{quote(table.c[key].name)} = CASE {id_column} {whens} END" for key in keys]
        assignments += [f"{quote(table.c[key].name)} = %s" for key in stamps]
        ids = ", ".join(["%s"] * len(rows))
        # identifiers from the table metadata, every value a driver parameter
        statement = f"UPDATE {quote(table.name)} SET {', '.join(assignments)} WHERE {id_column} IN ({ids})"  # noqa: S608
        params: list[Any] = []
        for key in keys:
            bind = _bind_processor(table.c[key], dialect)
            for obj, changed in rows:
                params += (obj.id, bind(changed[key]))
        params += [_bind_processor(table.c[key], dialect)(value) for key, value in stamps.items()]
        params += [obj.id for obj, _ in rows]
        await connection.exec_driver_sql(statement, tuple(params))
        for obj, changed in rows:
            for key, value in {**changed, **stamps}.items():
                set_committed_value(obj, key, value)
        written += len(rows)
    return written


_BIND_PROCESSORS: dict[tuple[Any, str], Callable[[Any], Any]] = {}


def _bind_processor(column: Any, dialect: Any) -> Callable[[Any], Any]:
    """The column type's conversion of a Python value for the driver (UTCDateTime: aware → naive UTC),
    as SQLAlchemy applies it to a bound parameter; the identity when the type has none."""
    key = (column, dialect.name)
    processor = _BIND_PROCESSORS.get(key)
    if processor is None:
        processor = column.type.dialect_impl(dialect).bind_processor(dialect) or _same
        _BIND_PROCESSORS[key] = processor
    return processor


def _same(value: Any) -> Any:
    return value


def connect_args(settings: DatabaseSettings) -> dict[str, Any]:
    """The driver's connect arguments beyond the URL's: the engine's and the DriverPool's."""
    return {"connect_timeout": max(1, int(settings.timeout)), "charset": "utf8mb4"}


def create_engine(settings: DatabaseSettings) -> AsyncEngine:
    engine = create_async_engine(
        settings.url,
        # No COM_PING per checkout (a whole round trip on every request): a connection that died with the
        # server fails its first statement with a disconnect error, which answers 503 (is_disconnect) and
        # makes SQLAlchemy invalidate every pooled connection older than that moment, so the next requests
        # get fresh ones (tests/faults/test_mariadb_restart.py; bench/analysis.md).
        pool_pre_ping=False,
        # Every Session/Connection here ends in COMMIT or ROLLBACK (or rolls back on close), so the
        # pool's extra reset ROLLBACK on return is a wasted round trip on every request (bench/analysis.md).
        pool_reset_on_return=None,
        pool_recycle=settings.pool_recycle,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.timeout,
        connect_args=connect_args(settings),
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _session_settings(dbapi_connection: Any, _: Any) -> None:
        cursor = dbapi_connection.cursor()
        for statement in SESSION_SETTINGS:
            cursor.execute(statement)
        cursor.close()

    return engine


async def newest_first(
    session: AsyncSession, query: Select[Any], id_column: Any, page: Page
) -> tuple[list[Any], str | None]:
    """One page of ``query``'s entities, newest (highest id) first, and the cursor of the next page."""
    after, limit = decode_cursor(page.cursor), page.limit
    if after is not None:
        query = query.where(id_column < after)
    rows = list((await session.execute(query.order_by(id_column.desc()).limit(limit + 1))).scalars())
    return rows[:limit], (encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)


async def oldest_first(
    session: AsyncSession, query: Select[Any], id_column: Any, page: Page
) -> tuple[list[Any], str | None]:
    """One page of ``query``'s entities in creation (id) order, and the cursor of the next page: for the
    listings whose order is a queue or a history read forwards (invitations, seat requests, participants,
    subscriptions, a call's sessions and tracks)."""
    after, limit = decode_cursor(page.cursor), page.limit
    if after is not None:
        query = query.where(id_column > after)
    rows = list((await session.execute(query.order_by(id_column).limit(limit + 1))).scalars())
    return rows[:limit], (encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def mysql_code(exc: BaseException) -> int | None:
    """The MySQL/MariaDB error number of a driver error wrapped by SQLAlchemy (``exc.orig.args[0]``)."""
    args = getattr(getattr(exc, "orig", None), "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def is_conflict(exc: BaseException) -> bool:
    """True for a deadlock (1213) or a lock wait timeout (1205): the database is up and rolled the
    statement back because of another transaction's locks, so the unit of work may simply be run again
    (:func:`retry_delay`; the request edge in ``roomsvc.retry``, the jobs in ``roomsvc.scheduler``)."""
    return isinstance(exc, DBAPIError) and mysql_code(exc) in CONFLICT_CODES


def retry_delay(attempt: int) -> float:
    """Seconds to wait before re-running a unit of work that lost a lock conflict for the ``attempt``-th
    time (1, 2, …): full jitter over 10 ms doubling, so two transactions that deadlocked each other do
    not collide again at the same instant."""
    return random.uniform(0.0, CONFLICT_BACKOFF * 2.0 ** max(0, attempt - 1))


def conflict_attempts(exc: BaseException) -> int:
    """How many runs in all a unit of work that failed with ``exc`` gets: a deadlock is detected at once,
    so it is worth a few; a lock wait timeout already waited ``innodb_lock_wait_timeout``, so one more."""
    return 2 if mysql_code(exc) == MYSQL_LOCK_WAIT_TIMEOUT else CONFLICT_ATTEMPTS


@dataclass
class UnitOfWork:
    """One run of a request's (or a job's) transaction: what it did outside the database. A run that lost
    a lock conflict is re-run only while ``side_effects`` is empty, since the rollback undid its SQL but
    not a LiveKit call (``LiveKitGateway`` reports those through the observer the app installs)."""

    side_effects: list[str] = field(default_factory=list)
    conflict: BaseException | None = None  # the deadlock the request's error handler answered


_unit: ContextVar[UnitOfWork | None] = ContextVar("roomsvc_unit_of_work", default=None)


def begin_unit() -> tuple[UnitOfWork, Token[UnitOfWork | None]]:
    """Start tracking a run in this task (child tasks share the object); reset the token when it ends."""
    unit = UnitOfWork()
    return unit, _unit.set(unit)


def end_unit(token: Token[UnitOfWork | None]) -> None:
    _unit.reset(token)


def current_unit() -> UnitOfWork | None:
    return _unit.get()


def note_side_effect(what: str) -> None:
    """Record that the current run did something a rollback does not undo (no-op outside a run)."""
    unit = _unit.get()
    if unit is not None:
        unit.side_effects.append(what)


def is_disconnect(exc: BaseException) -> bool:
    """True when a SQLAlchemy error means the database is unreachable rather than the query being wrong."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        return not is_conflict(exc)  # a deadlock is an OperationalError too, from a database that is up
    return isinstance(exc, (ConnectionError, TimeoutError))


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """A Core statement compiled once for the engine's dialect and run on the driver's own connection.

    For the join, the hottest path: SQLAlchemy's execution of a cached statement (execution context,
    greenlet hop, result wrapping) costs ≈ 0.3 ms of CPU per statement here, as much as the driver's own
    work (bench/analysis.md). The statement is still built with Core and compiled by SQLAlchemy, and its
    columns' types still convert values both ways (the same bind and result processors); only the
    execution is the driver's. It runs inside a :class:`DriverTransaction`, so the edge commits or rolls
    it back; a driver error is raised as SQLAlchemy's ``DBAPIError`` (a lost connection invalidated), so
    retries and the 503 mapping see the same exceptions as everywhere else.
    """

    sql: str
    keys: tuple[str, ...]  # the bind parameter of each positional placeholder
    binds: dict[str, Any]  # bind processor of each parameter that has one
    results: tuple[Any, ...]  # result processor of each selected column (None: the driver's value)
    dialect: Any

    @classmethod
    def compile(cls, statement: Any, dialect: Any) -> DriverStatement:
        compiled = statement.compile(dialect=dialect)
        if compiled.positiontup is None:
            raise ValueError(f"{dialect.name}'s driver takes named parameters: not supported")
        binds = {}
        for key, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                binds[key] = processor
        columns = statement.selected_columns if getattr(statement, "is_select", False) else ()
        results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
        return cls(compiled.string, tuple(compiled.positiontup), binds, results, dialect)

    async def execute(self, transaction: DriverTransaction, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Run it in ``transaction``; the rows (none for a write), values converted."""
        binds = self.binds
        args = tuple(binds[key](params[key]) if key in binds else params[key] for key in self.keys)
        raw = transaction.connection
        try:
            async with raw.cursor() as cursor:
                await cursor.execute(self.sql, args)
                rows = await cursor.fetchall() if self.results else ()
        except self.dialect.loaded_dbapi.Error as exc:
            raise transaction.failed(exc, self.sql, args) from exc
        processors = self.results
        return [
            tuple(v if p is None or v is None else p(v) for p, v in zip(processors, row, strict=True))
            for row in rows
        ]


SESSION_SETTINGS = (
    # Every connection of the engine and of the DriverPool: times are UTC, reads see what has committed.
    "SET SESSION time_zone = '+00:00'",
    "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
)


class DriverTransaction:
    """One transaction of a :class:`DriverPool` on its driver connection; :class:`DriverStatement` runs
    in it. :meth:`failed` turns a driver error into SQLAlchemy's (``DBAPIError``), so retries and the 503
    mapping see the same exceptions as everywhere else."""

    __slots__ = ("broken", "connection", "dialect", "pool")

    def __init__(self, pool: DriverPool, connection: Any) -> None:
        self.pool = pool
        self.dialect = pool.dialect
        self.connection = connection
        self.broken = False  # lost (a disconnect): closed rather than returned to the pool

    def failed(self, exc: Exception, statement: str | None, params: Any) -> BaseException:
        dialect = self.dialect
        lost = dialect.is_disconnect(exc, self.connection, None)  # type: ignore[arg-type]
        if lost:
            self.broken = True
            self.pool.lost_connection()
        return DBAPIError.instance(
            statement, params, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=dialect
        )


class DriverPool:
    """The join route's own pool of driver (aiomysql) connections, and the route's transaction edge.

    The join is the hottest path, and SQLAlchemy's ``AsyncConnection`` around it (pool checkout, BEGIN,
    COMMIT and return, each through the greenlet bridge, and Litestar's generator-dependency cleanup)
    cost about a third of what roomsvc adds to the join's physical limit (bench/analysis.md). This pool
    is the same connections without that layer: the engine's connect arguments and session settings
    (:data:`SESSION_SETTINGS`), at most ``pool_size`` connections (waiting ``timeout`` seconds for one,
    then SQLAlchemy's pool ``TimeoutError``), each replaced after ``pool_recycle`` seconds.

    :meth:`transaction` is the same edge as :func:`request_transaction`: committed when the body
    succeeds, rolled back when anything raises. A connection that was lost is closed, never returned,
    and every idle connection older than the loss is dropped (what SQLAlchemy's pool does on a
    disconnect), so the pool recovers by itself after a database restart. A transaction cancelled
    (its task, maybe in the middle of a statement) closes its connection too: a reply may still be on
    its way on it.
    """

    def __init__(self, engine: AsyncEngine, settings: DatabaseSettings) -> None:
        self.dialect = engine.dialect
        _, params = engine.dialect.create_connect_args(engine.url)
        self._params: dict[str, Any] = {**params, **connect_args(settings), "autocommit": False}
        self._slots = asyncio.Semaphore(settings.pool_size)
        self._timeout = settings.timeout
        self._recycle = settings.pool_recycle
        self._idle: list[tuple[Any, float]] = []  # (connection, opened at): the most recent last
        self._lost_at = 0.0  # connections opened before the last loss are not reused

    def lost_connection(self) -> None:
        self._lost_at = time.monotonic()

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[DriverTransaction]:
        if self._slots.locked():
            try:
                await asyncio.wait_for(self._slots.acquire(), self._timeout)
            except TimeoutError:
                raise PoolTimeoutError(
                    f"The join's connection pool had no connection free within {self._timeout} s"
                ) from None
        else:
            await self._slots.acquire()
        try:
            connection, opened = await self._checkout()
            transaction = DriverTransaction(self, connection)
            try:
                yield transaction
                try:
                    await connection.commit()
                except self.dialect.loaded_dbapi.Error as exc:
                    raise transaction.failed(exc, "COMMIT", ()) from exc
            except Exception:
                if not transaction.broken:
                    try:
                        await connection.rollback()
                    except Exception:
                        transaction.broken = True
                raise
            except BaseException:
                # Cancelled, maybe mid-statement: a reply may still be on its way on this connection.
                transaction.broken = True
                raise
            finally:
                if transaction.broken or opened < self._lost_at:
                    connection.close()
                else:
                    self._idle.append((connection, opened))
        finally:
            self._slots.release()

    async def _checkout(self) -> tuple[Any, float]:
        now = time.monotonic()
        while self._idle:
            connection, opened = self._idle.pop()
            if opened < self._lost_at or now - opened > self._recycle > 0 or not _usable(connection):
                connection.close()
                continue
            return connection, opened
        opened = time.monotonic()
        connection = None
        try:  # a driver error while opening or setting up is a disconnect (503), as the engine's is
            connection = await aiomysql.connect(**self._params)
            async with connection.cursor() as cursor:
                for statement in SESSION_SETTINGS:
                    await cursor.execute(statement)
        except BaseException as exc:
            if connection is not None:
                connection.close()
            if isinstance(exc, self.dialect.loaded_dbapi.Error):
                raise DBAPIError.instance(
                    None, None, exc, self.dialect.loaded_dbapi.Error, connection_invalidated=True
                ) from exc
            raise
        return connection, opened

    async def close(self) -> None:
        while self._idle:
            connection, _ = self._idle.pop()
            connection.close()


def _usable(connection: Any) -> bool:
    """An idle driver connection the server has not closed (what aiomysql's own pool checks)."""
    reader = getattr(connection, "_reader", None)
    return not connection.closed and reader is not None and not reader.at_eof() and reader.exception() is None


@contextlib.asynccontextmanager
async def request_transaction(unit: AsyncSession) -> AsyncIterator[AsyncSession]:
    """The edge's transaction on ``unit`` (a session): committed when the body
    succeeds, rolled back when anything raises, closed either way (a dead connection cannot be closed
    cleanly: the pool discards it)."""
    try:
        yield unit
        await unit.commit()
    except BaseException:
        await unit.rollback()
        raise
    finally:
        try:
            await unit.close()
        except Exception as exc:
            if not is_disconnect(exc):
                raise


async def provide_session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Litestar dependency: one session and transaction per request, owned here at the edge."""
    async with request_transaction(session_factory()) as session:
        yield session


def translate_db_error(exc: BaseException) -> BaseException:
    if is_disconnect(exc):
        return DatabaseUnavailable("The database is unreachable; retry shortly.")
    return exc
