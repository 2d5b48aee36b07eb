from . import no_arguments, sample

sample("organizers:landing", public=True)(no_arguments)
sample("organizers:staff_alerts")(no_arguments)
