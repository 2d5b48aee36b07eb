"""Small pools used by several test modules."""

from applications.selection import Applicant, Quota, SelectionProblem


def starvation_problem(seed: int = 0) -> SelectionProblem:
    """The pool from the issue: 1 female-conservative, 99 female-liberal, 100 male-conservative."""
    people = [Applicant(id="fc", features={"gender": "female", "leaning": "conservative"})]
    people += [Applicant(id=f"fl{i}", features={"gender": "female", "leaning": "liberal"})
               for i in range(99)]
    people += [Applicant(id=f"mc{i}", features={"gender": "male", "leaning": "conservative"})
               for i in range(100)]
    quotas = tuple(Quota(category=c, value=v, min=9) for c, v in [
        ("gender", "female"), ("gender", "male"),
        ("leaning", "liberal"), ("leaning", "conservative")])
    return SelectionProblem(applicants=tuple(people), seats=20, quotas=quotas, seed=seed)
