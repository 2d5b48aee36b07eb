"""Demo library for each organizer, drawn from what the seed programs name.

Called by `manage.py load_demo` after the catalog and sessions loaders, with scopes
disabled. Everything is update_or_create on natural keys (organizer + title or slug),
so it is safe to re-run. Programs and modules are found by the catalog's natural keys
(program slug, module title); when the catalog has not made them, the link is skipped.
"""

from django.core.files.base import ContentFile
from django.utils.text import slugify

from cohorts.models import Enrollment, Module, Program
from sessions_app.models import AffinityGroup

from .models import Collection, Resource, Topic
from .services import refresh_search_vectors, save_collection_items

A = Resource.Audience
K = Resource.Kind

ILLINOIS_SESSIONS = [
    ("Racial Healing & Relationship Building",
     "Facilitated by skilled Racial Healing Practitioners, participants learn how racial healing is at the heart of "
     "racial equity and relationship building is critical to sustaining racial equity work.",
     ["Racial healing", "Relationships"]),
    ("Introduction to Systemic Racism",
     "Participants examine how policies and practices create and sustain racial disparities in institutions such as "
     "education, healthcare, the criminal legal system, and the economy, and discuss strategies to challenge these "
     "inequities.",
     ["Systemic racism", "Policy"]),
    ("Race and Power in the Human Service Sector",
     "Participants explore how the sector is addressing longstanding racial disparities – including how power is "
     "held, decisions are made, and resources are distributed – and discuss what changes are needed to achieve "
     "racial equity.",
     ["Power", "Human services"]),
    ("Systems Change Strategies & Frameworks to Confront Systemic Racism",
     "Participants are introduced to approaches and tools that explicitly address racial disparities and lead to "
     "long-term changes in policies and practices.",
     ["Systems change", "Frameworks"]),
]

CJC_VALUES = ["Holistic", "Restorative", "Trust and Respect for all", "Inclusive/Expansive", "Transformative", "Transparency"]
CJC_AREAS = [
    ("Anti-Racist Workforce Development System", [
        "Prioritizes every worker's future financial stability, career pathway and economic security.",
        "Honors the humanity of all people, is inclusive, race-explicit, addresses the larger economic system and "
        "centers those most impacted by systemic racial injustice.",
        "Builds transformative relationships between people and systems; focusing on equitable access, providing "
        "quality jobs, and removing funding obstacles that inhibit progress.",
    ]),
    ("Anti-Racist Program Design", [
        "Is empathetic, prioritizes the needs of job seekers and is created in collaboration with job seekers and "
        "direct service staff.",
        "Is adequately and flexibly funded for services that reduce barriers and address systemic racism, producing "
        "outcomes that have a positive generational impact.",
        "Has ample funding for staff training; staff have the capacity and time to design and implement services.",
        "Provides job seekers with expansive and quality job or career options aligned with their goals.",
    ]),
    ("Anti-Racist Client Engagement & Service Delivery", [
        "Services are delivered by staff who are trained, equipped and supported to partner with and recognize job "
        "seekers as whole, creative and resourceful people.",
        "Is non-judgmental, unbiased and multiculturally competent, using relationship and community building "
        "approaches to support the goals of individual job seekers.",
        "Acknowledges each job seeker's goals and personal agency by providing holistic wrap-around services that "
        "meet each individual's basic needs first.",
    ]),
    ("Anti-Racist Policy Design & Development", [
        "Creates policies that rectify the historical and intergenerational ways in which multiple systems have "
        "created an inherent set of disadvantages for People of Color.",
        "Addresses past harms and failures by redesigning policies with a racially equitable and just lens.",
        "Centers individuals with lived experience in the design and implementation of equitable policies.",
        "Ensures policy alignment across government systems so that beneficiaries are not denied by bureaucracies.",
    ]),
    ("Anti-Racist Partnerships", [
        "Result in expansive opportunities for job seekers to work in safe and quality environments that enable "
        "workers to thrive.",
        "Are based on trust and respect, include collaboration and transparent communication where all parties are "
        "valued, and seek to remove harmful power dynamics.",
        "Remove barriers and create pathways to quality jobs that honor the multi-faceted and collective approach "
        "required to support individuals, communities and organizations.",
    ]),
]

PARTOS_CHECKLIST = [
    ("Strategy", "Is there a written DEI strategy tailored to our organisation, owned by leadership?"),
    ("Assessment", "Have we assessed where we stand, with the people most affected involved?"),
    ("Indicators", "Which indicators of success have we chosen, and who reports on them?"),
    ("Monitoring progress", "How often do we review progress, and what happens when we fall behind?"),
    ("Recruitment", "Do our recruitment practices reach and welcome people in rightsholder positions?"),
    ("Organisational culture", "Can staff raise exclusion or racialised bias safely, and is it acted on?"),
]


def _bullets(items) -> str:
    return "\n".join(f"- {item}" for item in items)


def _program(organizer, slug: str) -> Program | None:
    return Program.objects.filter(organizer=organizer, slug=slug).first()


def _module(program: Program | None, title: str) -> Module | None:
    return Module.objects.filter(program=program, title=title).first() if program else None


class _Library:
    """One organizer's demo library, built entry by entry."""

    def __init__(self, ctx, key: str):
        self.ctx = ctx
        self.organizer = ctx.organizers[key]
        self.contributor = ctx.users.get(f"staff@{key}.example")
        self.ids: list[int] = []

    def topics(self, names) -> list[Topic]:
        made = []
        for name in names:
            topic, _ = Topic.objects.update_or_create(
                organizer=self.organizer, slug=slugify(name), defaults={"name": name}
            )
            made.append(topic)
        return made

    def resource(self, title: str, *, topics=(), programs=(), group=None, file_text: str | None = None, **fields) -> Resource:
        defaults = {"contributor": self.contributor, "status": Resource.Status.PUBLISHED, "language": "en",
                    "audience_affinity_group": group, **fields}
        resource, _ = Resource.objects.update_or_create(organizer=self.organizer, title=title, defaults=defaults)
        resource.topics.set(self.topics(topics))
        resource.audience_programs.set([p for p in programs if p is not None])
        if file_text is None and not resource.url and resource.kind in (Resource.Kind.TEMPLATE, Resource.Kind.TOOLKIT):
            # A template or toolkit is something to download: its text as a Markdown file.
            file_text = f"# {title}\n\n{fields.get('summary', '')}\n\n{fields.get('body', '')}\n"
        if file_text is not None and not resource.file:
            name = f"{slugify(title)[:80]}.md"
            resource.file.save(name, ContentFile(file_text.encode()), save=False)
            resource.original_filename, resource.content_type = name, "text/markdown"
            resource.file_size = len(file_text.encode())
            resource.save()
        self.ids.append(resource.pk)
        return resource

    def collection(self, title: str, resources: list[Resource], *, description="", program=None, module=None) -> Collection:
        collection, _ = Collection.objects.update_or_create(
            organizer=self.organizer, title=title,
            defaults={"description": description, "program": program or (module.program if module else None),
                      "module": module},
        )
        save_collection_items(collection=collection, resources=resources)
        return collection


def load(ctx) -> None:
    libraries = [_illinois(ctx), _alliance(ctx), _cjc(ctx), _northsound(ctx), _partos(ctx)]
    proposal = _proposal(ctx)
    refresh_search_vectors(resource_ids=[pk for library in libraries for pk in library.ids] + proposal)


def _proposal(ctx) -> list[int]:
    """One participant's proposal awaiting review, at the first organizer whose catalog
    demo enrolled someone (proposing is for enrolled participants)."""
    for key in ("illinois", "alliance", "northsound", "partos"):
        enrollment = (
            Enrollment.objects.filter(organizer=ctx.organizers[key], status__in=Enrollment.PARTICIPATING)
            .select_related("person").order_by("id").first()
        )
        if enrollment is None:
            continue
        lib = _Library(ctx, key)
        lib.resource(
            "Our agency's racial equity statement (an example to share)", kind=K.DOCUMENT, audience=A.ENROLLED,
            contributor=enrollment.person, status=Resource.Status.PROPOSED, topics=["Communication"],
            summary="Proposed by a participant after the last session.", url="https://example.org/our-statement",
            body="We wrote this with our staff committee after the series; others asked for a copy.",
        )
        return lib.ids
    return []


def _illinois(ctx) -> _Library:
    lib = _Library(ctx, "illinois")
    program = _program(lib.organizer, "advancing-racial-equity")
    handouts = []
    for number, (title, description, topics) in enumerate(ILLINOIS_SESSIONS, start=1):
        body = (f"## Session {number}: {title}\n\n{description}\n\n### Before the session\n\n"
                "- Read the short framing piece in this collection.\n- Note one question from your own organization.\n\n"
                "### After the session\n\nTechnical assistance is available after each training session to answer "
                "questions, address challenges, or help with new communication materials.")
        handout = lib.resource(
            f"Session {number} handout: {title}", kind=K.DOCUMENT, audience=A.ENROLLED, topics=topics,
            summary=f"Handout for session {number} of the Advancing Racial Equity training series.",
            body=body, author="Illinois Partners for Human Service", file_text=body,
        )
        handouts.append(handout)
        module = _module(program, title)
        lib.collection(f"Session {number} materials: {title}", [handout], module=module,
                       description=f"What to read and use for session {number}.", program=program)
    glossary = lib.resource(
        "Shared language: a racial equity glossary for human service leaders", kind=K.DOCUMENT, audience=A.PUBLIC,
        topics=["Shared language", "Systemic racism"], author="Illinois Partners for Human Service",
        summary="Build shared language and understanding about racism and inequities in our sector.",
        body="Terms we use across the series: racial equity, systemic racism, racial healing, power, white "
             "supremacy culture, systems change. Each entry gives a definition and an example from the human "
             "service sector.",
    )
    comms = lib.resource(
        "Communication materials toolkit: talking about racial equity with your board and staff", kind=K.TOOLKIT,
        audience=A.ENROLLED, topics=["Communication", "Leadership"], author="Illinois Partners for Human Service",
        summary="Templates and talking points for new communication materials, from the technical assistance after each session.",
        body="Use these drafts after the series: a board memo, a staff announcement, a statement of commitment "
             "and a one-page update for partners. Book office hours for feedback on your own draft.",
        file_text="# Communication materials toolkit\n\n## Board memo\n\nWhy we are joining the racial equity "
                  "training, what it asks of us, and what we will report back.\n\n## Staff announcement\n\n"
                  "What is changing, who to talk to, and how staff can take part.\n\n## Statement of commitment\n\n"
                  "See the commitment statement template.\n\n## One-page partner update\n\nWhat we learned, "
                  "what we are trying next, where we need partners.\n",
    )
    template = lib.resource(
        "Template: our organization's racial equity commitment statement", kind=K.TEMPLATE, audience=A.PROGRAMS,
        programs=[program], topics=["Communication"], author="Illinois Partners for Human Service",
        summary="A fill-in template for participants of the training series.",
        body="1. Why racial equity matters to our mission.\n2. What we commit to.\n3. How we will be accountable.",
        file_text="# Our racial equity commitment statement\n\n1. Why racial equity matters to our mission:\n\n"
                  "   ______________________________\n\n2. What we commit to:\n\n   ______________________________\n\n"
                  "3. How we will be accountable:\n\n   ______________________________\n",
    )
    lib.resource(
        "Facilitator guide: opening a racial healing circle", kind=K.DOCUMENT, audience=A.STAFF,
        topics=["Racial healing"], author="Racial Healing Practitioners",
        summary="For staff and guest facilitators only.",
        body="Agreements, the opening round, holding silence, closing. Notes on care for facilitators.",
    )
    lib.collection(
        "Advancing Racial Equity: the full series", [glossary, *handouts, comms, template], program=program,
        description="Every handout of the four-session series, in order, with the shared glossary first.",
    )
    return lib


def _cjc(ctx) -> _Library:
    lib = _Library(ctx, "cjc")
    program = _program(lib.organizer, "anti-racist-workforce-development-system-framework")
    areas_md = "\n\n".join(f"### {name}\n\n{_bullets(points)}" for name, points in CJC_AREAS)
    framework = lib.resource(
        "Anti-Racist Workforce Development System Framework", kind=K.FRAMEWORK, audience=A.PUBLIC,
        topics=["Workforce", "Frameworks"], author="Chicago Jobs Council",
        summary="A structured framework, with values and five outcome areas, for an anti-racist workforce "
                "development system and employment equity.",
        body=("Our vision is to create an anti-racist workforce development system and employment equity so that "
              f"everyone can realize their unique pathway out of poverty.\n\n## Values\n\n{_bullets(CJC_VALUES)}\n\n"
              f"## Outcomes\n\n{areas_md}"),
        file_text=f"# Anti-Racist Workforce Development System Framework\n\n## Values\n\n{_bullets(CJC_VALUES)}\n\n{areas_md}\n",
    )
    area_resources = []
    for number, (name, points) in enumerate(CJC_AREAS, start=1):
        area_resources.append(lib.resource(
            f"Outcome area {number}: {name}", kind=K.CHECKLIST, audience=A.ENROLLED,
            topics=["Workforce", "Self-assessment"], author="Chicago Jobs Council",
            summary=f"Self-assessment prompts for the “{name}” outcome area.",
            body=("Rate your organization on each outcome (not yet / starting / in practice / embedded) at baseline "
                  f"and again at follow-up.\n\n{_bullets(points)}"),
        ))
    lib.collection("The framework, area by area", [framework, *area_resources], program=program,
                   description="The framework first, then a self-assessment for each of its five outcome areas.")
    return lib


def _partos(ctx) -> _Library:
    lib = _Library(ctx, "partos")
    program = _program(lib.organizer, "dei-learning-trajectory")
    checklist = lib.resource(
        "DEI Organisational Checklist", kind=K.CHECKLIST, audience=A.ENROLLED, topics=["DEI strategy", "Monitoring"],
        author="Partos", summary="Helps NGOs assess and monitor their DEI practice.",
        body="Diversity, Equity, and Inclusion requires a tailored design for each organisation.\n\n"
             + "\n".join(f"- **{area}**: {question}" for area, question in PARTOS_CHECKLIST),
        file_text="# DEI Organisational Checklist\n\n" + "\n".join(f"- [ ] {a}: {q}" for a, q in PARTOS_CHECKLIST) + "\n",
    )
    washing = lib.resource(
        "Self-check: avoiding ‘DEI-washing’ your DEI efforts", kind=K.CHECKLIST, audience=A.PUBLIC,
        topics=["DEI strategy"], author="Partos",
        summary="Ten questions to tell real change from DEI-washing.",
        body="Are commitments backed by budget? Are the people most affected part of the decisions? Do we report "
             "what did not work?",
    )
    resistance = lib.resource(
        "Train-the-trainer notes: dealing with resistance from management & team", kind=K.DOCUMENT,
        audience=A.PROGRAMS, programs=[program], topics=["Resistance", "Power"], author="Partos DEI ambassadors",
        summary="From the October module: position yourself as a DEI advocate and build leverage.",
        body="How to position yourself as a DEI advocate/professional; how to deal with resistance from management "
             "and team; how to build leverage and increase support within your organisation.",
    )
    group = AffinityGroup.objects.filter(organizer=lib.organizer, cohort__program=program).first() if program else None
    racial_justice = lib.resource(
        "Racial justice affinity-group reading list", kind=K.DOCUMENT,
        audience=A.AFFINITY_GROUP if group else A.ENROLLED, group=group, topics=["Racial justice"],
        author="Partos", summary="Readings chosen with the consultants who guide the racial justice sessions.",
        body="Readings on racialised bias in international development, and on dominant beliefs and practices in "
             "the sector.",
    )
    wellbeing = lib.resource(
        "Mental health & wellbeing: somatic practices for DEI facilitators", kind=K.DOCUMENT, audience=A.ENROLLED,
        topics=["Wellbeing"], author="Partos", language="en",
        summary="From the December module on healing justice and healthy organisational structures.",
        body="Short somatic practices, and how to convince management of the importance of mental health.",
    )
    lib.resource(
        "Leren over DEI: introductie voor nieuwe deelnemers", kind=K.DOCUMENT, audience=A.PUBLIC, language="nl",
        topics=["DEI strategy"], author="Partos",
        summary="Een korte introductie op het leertraject over diversiteit, gelijkwaardigheid en inclusie.",
        body="Wat je kunt verwachten: één dag per module, actieve deelname en uitwisseling met collega's.",
    )
    for title, resources in (
        ("Designing & Championing DEI", [checklist, washing]),
        ("Leveraging DEI in times of resistance and solidarity", [resistance]),
        ("Racial Justice", [racial_justice]),
        ("Mental Health & Wellbeing", [wellbeing]),
    ):
        lib.collection(f"Module materials: {title}", resources, module=_module(program, title), program=program)
    return lib


def _alliance(ctx) -> _Library:
    lib = _Library(ctx, "alliance")
    program = _program(lib.organizer, "operationalizing-equity")
    workplan = lib.resource(
        "Workplan template for state teams", kind=K.TEMPLATE, audience=A.PROGRAMS, programs=[program],
        topics=["Workplan"], author="Alliance for Early Success",
        summary="Guides state-specific work to center racial justice, equity, diversity, and inclusion.",
        body="Where are we in our REDI journey? Goals, strategies, owners, and the check-ins after the cohort ends.",
    )
    language = lib.resource(
        "Building shared language: a REDI glossary", kind=K.DOCUMENT, audience=A.ENROLLED,
        topics=["Shared language"], author="Planning team",
        summary="Shared language for allyship and authentic partnership.",
        body="Racial justice, equity, diversity, inclusion, allyship, partnership: definitions and discussion prompts.",
    )
    messaging = lib.resource(
        "Engaging broad audiences on racial justice: a messaging guide", kind=K.TOOLKIT, audience=A.PUBLIC,
        topics=["Communication"], author="Planning team",
        summary="Skills and tools to engage broad audiences on racial justice, equity, diversity, and inclusion.",
        body="Know your audience, lead with shared values, name the problem, offer a path forward.",
    )
    lib.collection("Operationalizing Equity: getting started", [language, workplan, messaging], program=program)
    return lib


def _northsound(ctx) -> _Library:
    lib = _Library(ctx, "northsound")
    program = _program(lib.organizer, "equity-in-leadership")
    reflection = lib.resource(
        "Equity vs. equality: a reflection guide for reviewing organizational policy", kind=K.DOCUMENT,
        audience=A.ENROLLED, topics=["Policy", "Leadership"], author="North Sound ACH",
        summary="Reflection and analysis of organizational policies, practices, and structures through the lens of equity vs. equality.",
        body="Pick one policy. Who wrote it, who does it serve, who does it burden? What would equity ask of it?",
    )
    brave = lib.resource(
        "Brave conversations: a practice guide", kind=K.TOOLKIT, audience=A.PUBLIC, topics=["Conversations"],
        author="Dr. Clarice Bailey and David Gibbs",
        summary="Practice brave, curious, thoughtful and constructive conversations about race, class, gender identity, ability and age.",
        body="Agreements, listening rounds and repair: a guide for leaders who facilitate hard conversations.",
    )
    cop = lib.resource(
        "What is a community of practice? Domain, community, practice", kind=K.DOCUMENT, audience=A.PUBLIC,
        topics=["Community of practice"], author="North Sound ACH",
        summary="The three components of the Equity in Leadership community of practice.",
        body="The domain is organizational equity through leadership. The community is you. The practice is what "
             "you do together to operationalize structural change.",
    )
    lib.collection("Equity in Leadership: starting points", [cop, brave, reflection], program=program)
    return lib
