"""Integer lookups that cannot overflow the database driver.

Django (5.x) already turns ``exact``/``gt``/``lt`` comparisons with an out-of-range
integer into an empty (or full) result, but not ``__in``: a form field choosing
objects by id (``ModelMultipleChoiceField``, admin many-to-many widgets) given
``99999999999999999999999`` raised ``OverflowError`` on SQLite and an error on
PostgreSQL (a 500). Here ``__in`` on integer columns drops values no column can hold
(they match nothing), so the form answers "Select a valid choice" like for any unknown id.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            kept = [v for v in self.rhs
                    if not isinstance(v, int) or ((low is None or v >= low) and (high is None or v <= high))]
            if not kept and self.rhs:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)
