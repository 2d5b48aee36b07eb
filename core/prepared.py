"""Prepared reads: a queryset the ORM compiles once per process, then run with new values.

Why: on the busiest public pages (the catalog and the program page) building and
compiling a queryset costs several times the database round trip it leads to
(measured here: about 1.5 ms of Python against 0.3 ms on PostgreSQL for a filtered
select; `bench/pages.py` shows the effect on whole pages). A `PreparedQuery` keeps
the ORM as the author of the SQL, so it stays portable between SQLite and
PostgreSQL and checked against the models, and pays the building once.

    cohorts_of_program = PreparedQuery(
        lambda organizer_id, program_id: Cohort.objects.filter(organizer_id=organizer_id, program_id=program_id),
        params={"organizer_id": int, "program_id": int},
    )
    cohorts_of_program.run(organizer_id=7, program_id=12)  # -> [Cohort, ...]

How: `build` is called once with sentinel values in place of the parameters; the
compiled SQL's parameter list is searched for them, and each run puts the real values
in those positions. A parameter the ORM transforms (`__icontains` wraps it in `%`),
inlines or drops cannot be found, and compiling says so instead of running wrong SQL.
Parameters are int, str or aware datetime (adapted for each run as the backend's ORM
adapts it: SQLite stores text).
Querysets of model instances and of `values_list()` tuples are supported, with
annotations; `select_related` and `prefetch_related` are not (run a second prepared
query instead, which is what they would do anyway, minus the building).

Tenant safety: the SQL is built outside django-scopes, so a prepared query on tenant
data filters by organizer itself and names that parameter as `tenant`; `run()` then
refuses (ScopeError) unless the active scope admits that organizer, as a scoped
manager would.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django_scopes import ScopeError, get_scope, scopes_disabled

# Values no real row or request carries: negative ids (sequences start at 1), inside
# every integer column's range so the ORM keeps them as parameters; and strings with
# control characters no slug or form field admits.
_INT_SENTINEL_BASE = -2_000_000_000


def _sentinel(kind: type, index: int):
    if kind is int:
        return _INT_SENTINEL_BASE - index
    if kind is str:
        return f"\x1fprepared-parameter-{index}\x1f"
    if kind is datetime:
        # Year 2, a few microseconds in: before any record, and still a valid date in any zone.
        return datetime(2, 1, 1, 0, 0, 0, 1000 + index, tzinfo=UTC)
    raise TypeError(f"PreparedQuery parameters are int, str or datetime, not {kind.__name__}")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str, Callable | None], ...]  # (position in params, parameter name, how the ORM adapts it)
    compiler: Any  # the SQLCompiler that wrote `sql`: it knows the columns
    converters: dict  # column position -> (the database's and the fields' converters), as the ORM applies them
    shape: str  # "model", "tuples" or "flat"
    model_slice: tuple[int, int] = (0, 0)
    init_list: tuple[str, ...] = ()
    annotations: tuple[tuple[str, int], ...] = ()
    plain_instances: bool = False  # see _plain_instances
    set_through_descriptor: tuple[str, ...] = ()  # fields whose descriptor does more than store the value


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet], *, params: dict[str, type], tenant: str | None = None):
        if tenant is not None and tenant not in params:
            raise ImproperlyConfigured(f"tenant parameter {tenant!r} is not among the parameters {sorted(params)}")
        self.build = build
        self.params = dict(params)
        self.tenant = tenant
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._template: QuerySet | None = None
        self._sentinels: dict[str, Any] = {}

    def run(self, **values) -> list:
        """Model instances, `values_list()` tuples or flat values, as the queryset would give."""
        compiled, alias, rows = self._execute(values)
        if compiled.shape == "flat":
            return [row[0] for row in rows]
        if compiled.shape == "tuples":
            return [tuple(row) for row in rows]
        return self._instances(compiled, alias, rows)

    def rows(self, **values) -> list:
        """The rows, converted but not yet model instances: for a caller that will
        build only some of them (see `instances` and `column`)."""
        return list(self._execute(values)[2])

    def instances(self, rows) -> list:
        """Model instances from rows this query's `rows()` returned."""
        compiled, alias = self._for_database()
        return self._instances(compiled, alias, rows)

    def column(self, name: str) -> int:
        """Where a model field (attname) or an annotation stands in a row."""
        compiled, _ = self._for_database()
        annotations = dict(compiled.annotations)
        if name in annotations:
            return annotations[name]
        return compiled.model_slice[0] + compiled.init_list.index(name)

    def _execute(self, values: dict):
        if set(values) != set(self.params):
            raise TypeError(f"PreparedQuery takes exactly {sorted(self.params)}, got {sorted(values)}")
        for name, kind in self.params.items():
            if not isinstance(values[name], kind) or isinstance(values[name], bool):
                raise TypeError(f"{name} must be {kind.__name__}, not {type(values[name]).__name__}")
            if kind is datetime and values[name].tzinfo is None:
                raise TypeError(f"{name} must be an aware datetime")
        if self.tenant is not None:
            _check_scope(values[self.tenant])
        compiled, alias = self._for_database()
        params = list(compiled.params)
        for position, name, adapt in compiled.slots:
            params[position] = values[name] if adapt is None else adapt(values[name])
        with _cursor(connections[alias]) as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        return compiled, alias, rows

    @staticmethod
    def _instances(compiled: _Compiled, alias: str, rows) -> list:
        if compiled.shape != "model":
            raise TypeError("this PreparedQuery returns values_list() rows, not model instances")
        model = compiled.compiler.klass_info["model"]
        start, end = compiled.model_slice
        result = []
        if compiled.plain_instances:
            # What from_db() leaves behind, without its per-field setattr loop: a row's
            # values in the instance's __dict__, as the plain field descriptors would put them.
            names, annotations = compiled.init_list, compiled.annotations
            through = [(name, start + names.index(name)) for name in compiled.set_through_descriptor]
            new = model.__new__
            for row in rows:
                obj = new(model)
                obj.__dict__.update(zip(names, row[start:end]))
                for name, position in annotations:
                    obj.__dict__[name] = row[position]
                for name, position in through:  # e.g. a time zone field's, which turns the text into a zone
                    setattr(obj, name, row[position])
                obj._state = state = ModelState()
                state.adding, state.db = False, alias
                result.append(obj)
            return result
        for row in rows:
            obj = model.from_db(alias, compiled.init_list, row[start:end])
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            result.append(obj)
        return result

    def _for_database(self) -> tuple[_Compiled, str]:
        queryset = self._queryset()
        alias = router.db_for_read(queryset.model)
        key = (alias, connections[alias].vendor)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(queryset, alias)
        return compiled, alias

    def _queryset(self) -> QuerySet:
        """The queryset built with sentinels: once per process, outside any scope, since
        each run checks the scope against the tenant parameter instead."""
        if self._template is None:
            sentinels = {name: _sentinel(kind, i) for i, (name, kind) in enumerate(self.params.items())}
            with scopes_disabled():
                queryset = self.build(**sentinels)
            self._sentinels, self._template = sentinels, queryset
        return self._template

    def _compile(self, queryset: QuerySet, alias: str) -> _Compiled:
        if queryset._prefetch_related_lookups:
            raise ImproperlyConfigured("a PreparedQuery cannot prefetch; prepare the related query separately")
        by_value: dict[Any, tuple[str, Callable | None]] = {}
        for name, value in self._sentinels.items():
            if isinstance(value, datetime):
                # A datetime reaches the SQL as the backend adapts it (SQLite: a string);
                # each run adapts the real value the same way.
                adapt = connections[alias].ops.adapt_datetimefield_value
                by_value[adapt(value)] = (name, adapt)
            else:
                by_value[value] = (name, None)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        # Choices are str enums; send their values, as the ORM's own cursor would.
        params = [value.value if isinstance(value, Enum) else value for value in params]
        slots = []
        for position, value in enumerate(params):
            if isinstance(value, (int, str, datetime)) and not isinstance(value, bool) and value in by_value:
                slots.append((position, *by_value[value]))
            elif isinstance(value, str) and "\x1fprepared-parameter-" in value:
                raise ImproperlyConfigured(f"the ORM transformed a parameter into {value!r}; filter on it exactly")
        missing = set(self.params) - {name for _, name, _ in slots}
        if missing:
            raise ImproperlyConfigured(f"parameters {sorted(missing)} do not reach the SQL as values")

        columns = [column[0] for column in compiler.select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ImproperlyConfigured("a PreparedQuery cannot select composite primary keys")
        converters = compiler.get_converters(columns)
        common = (sql, tuple(params), tuple(slots), compiler, converters)
        iterable = queryset._iterable_class
        if iterable is FlatValuesListIterable:
            return _Compiled(*common, "flat")
        if iterable is ValuesListIterable:
            return _Compiled(*common, "tuples")
        if iterable is not ModelIterable:
            raise ImproperlyConfigured("a PreparedQuery returns model instances or values_list() rows")
        klass_info = compiler.klass_info
        if klass_info.get("related_klass_infos"):
            raise ImproperlyConfigured("a PreparedQuery cannot select_related; prepare the related query separately")
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = tuple(column[0].target.attname for column in compiler.select[start:end])
        annotations = tuple(compiler.annotation_col_map.items())
        return _Compiled(
            *common, "model",
            model_slice=(start, end),
            init_list=init_list,
            annotations=annotations,
            plain_instances=_plain_instances(klass_info["model"], annotations),
            set_through_descriptor=tuple(
                name for name in init_list
                if type(inspect.getattr_static(klass_info["model"], name, None)) not in _PLAIN_DESCRIPTORS
            ),
        )


# Descriptors whose __set__ on a new instance only stores the value in its __dict__.
_PLAIN_DESCRIPTORS = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)


def _plain_instances(model, annotations) -> bool:
    """Whether rows may become instances by filling their __dict__ (several times
    faster than Model.from_db, which the catalog pays for sixty rows a page): only when
    nothing would see the difference, i.e. no pre_init or post_init receiver (as
    connected when the query is first compiled), no from_db or __init__ of the model's
    own, and no annotation named like a class attribute. Fields whose descriptor does
    more than store the value are still set through it."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return False
    if model.from_db.__func__ is not Model.from_db.__func__ or model.__init__ is not Model.__init__:
        return False
    return all(inspect.getattr_static(model, name, None) is None for name, _ in annotations)


def _cursor(connection):
    """On PostgreSQL, a cursor that binds parameters on the server and prepares the
    statement there, so repeated runs skip parsing and planning too.

    Django keeps psycopg's automatic preparation off (it breaks transaction-mode
    connection poolers, see DJANGO_DB_PREPARE in config/settings/base.py), so only
    these few statements are prepared, per connection, in psycopg's LRU of 100.
    While Django logs queries (DEBUG, or a test capturing them) its usual cursor runs
    them instead, so the log shows each query with its values.
    """
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_PreparingCursor(connection.connection))


class _PreparingCursor(psycopg.Cursor):
    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


def _check_scope(organizer_id: int) -> None:
    current = get_scope()
    if not current.get("_enabled", True):
        return
    if "organizer" not in current:
        raise ScopeError("A scope on dimension(s) organizer needs to be active for this query.")
    allowed = current["organizer"]
    allowed = allowed if isinstance(allowed, (list, tuple, set, frozenset)) else [allowed]
    if organizer_id not in {getattr(item, "pk", item) for item in allowed}:
        raise ScopeError(f"organizer {organizer_id} is outside the active scope")
