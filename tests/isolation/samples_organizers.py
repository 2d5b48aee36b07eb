from . import no_arguments, sample

sample("organizers:landing", public=True)(no_arguments)
