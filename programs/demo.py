"""Demo content for the programs app, from public facts about SPP 2298 (the DFG's announcements and
GEPRIS entries, the program's own publications), completed with entries that are obviously demo (people called "Demo …", projects marked as demo). Idempotent: an object that
exists (by its slug or key) is left as it is, so editors' changes survive a re-run."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify

from spp_site.demo_media import portrait
from spp_site.publishing import Status

from .models import (
    Call,
    FAQItem,
    FundingPhase,
    Institution,
    Person,
    PersonRole,
    Project,
    ProjectMembership,
    ResearchPerspective,
    Role,
)

BERLIN = ZoneInfo("Europe/Berlin")
UNI, INST = Institution.Kind.UNIVERSITY, Institution.Kind.INSTITUTE

# name, short name, kind, city, latitude, longitude, website
INSTITUTIONS = [
    (
        "Ludwig-Maximilians-Universität München",
        "LMU Munich",
        UNI,
        "Munich",
        48.151,
        11.580,
        "https://www.lmu.de",
    ),
    ("Technische Universität München", "TUM", UNI, "Munich", 48.149, 11.568, "https://www.tum.de"),
    (
        "Friedrich-Alexander-Universität Erlangen-Nürnberg",
        "FAU",
        UNI,
        "Erlangen",
        49.598,
        11.004,
        "https://www.fau.de",
    ),
    (
        "Eberhard Karls Universität Tübingen",
        "University of Tübingen",
        UNI,
        "Tübingen",
        48.524,
        9.060,
        "https://uni-tuebingen.de",
    ),
    (
        "Technische Universität Darmstadt",
        "TU Darmstadt",
        UNI,
        "Darmstadt",
        49.875,
        8.657,
        "https://www.tu-darmstadt.de",
    ),
    ("RWTH Aachen University", "RWTH Aachen", UNI, "Aachen", 50.778, 6.078, "https://www.rwth-aachen.de"),
    ("Technische Universität Berlin", "TU Berlin", UNI, "Berlin", 52.512, 13.327, "https://www.tu.berlin"),
    (
        "Humboldt-Universität zu Berlin",
        "HU Berlin",
        UNI,
        "Berlin",
        52.518,
        13.393,
        "https://www.hu-berlin.de",
    ),
    ("Freie Universität Berlin", "FU Berlin", UNI, "Berlin", 52.453, 13.290, "https://www.fu-berlin.de"),
    (
        "Rheinische Friedrich-Wilhelms-Universität Bonn",
        "University of Bonn",
        UNI,
        "Bonn",
        50.734,
        7.103,
        "https://www.uni-bonn.de",
    ),
    (
        "Ruprecht-Karls-Universität Heidelberg",
        "Heidelberg University",
        UNI,
        "Heidelberg",
        49.410,
        8.706,
        "https://www.uni-heidelberg.de",
    ),
    ("Karlsruher Institut für Technologie", "KIT", UNI, "Karlsruhe", 49.011, 8.413, "https://www.kit.edu"),
    (
        "Albert-Ludwigs-Universität Freiburg",
        "University of Freiburg",
        UNI,
        "Freiburg",
        47.994,
        7.846,
        "https://uni-freiburg.de",
    ),
    (
        "Universität Stuttgart",
        "University of Stuttgart",
        UNI,
        "Stuttgart",
        48.745,
        9.106,
        "https://www.uni-stuttgart.de",
    ),
    (
        "Universität Hamburg",
        "University of Hamburg",
        UNI,
        "Hamburg",
        53.567,
        9.984,
        "https://www.uni-hamburg.de",
    ),
    (
        "Georg-August-Universität Göttingen",
        "University of Göttingen",
        UNI,
        "Göttingen",
        51.541,
        9.934,
        "https://www.uni-goettingen.de",
    ),
    ("Technische Universität Dresden", "TU Dresden", UNI, "Dresden", 51.028, 13.727, "https://tu-dresden.de"),
    (
        "Universität Leipzig",
        "Leipzig University",
        UNI,
        "Leipzig",
        51.339,
        12.379,
        "https://www.uni-leipzig.de",
    ),
    (
        "Universität Münster",
        "University of Münster",
        UNI,
        "Münster",
        51.964,
        7.613,
        "https://www.uni-muenster.de",
    ),
    (
        "Julius-Maximilians-Universität Würzburg",
        "University of Würzburg",
        UNI,
        "Würzburg",
        49.788,
        9.935,
        "https://www.uni-wuerzburg.de",
    ),
    (
        "Universität Mannheim",
        "University of Mannheim",
        UNI,
        "Mannheim",
        49.483,
        8.462,
        "https://www.uni-mannheim.de",
    ),
    (
        "Universität Osnabrück",
        "Osnabrück University",
        UNI,
        "Osnabrück",
        52.271,
        8.044,
        "https://www.uni-osnabrueck.de",
    ),
    (
        "Universität Passau",
        "University of Passau",
        UNI,
        "Passau",
        48.567,
        13.452,
        "https://www.uni-passau.de",
    ),
    (
        "Technische Universität Chemnitz",
        "TU Chemnitz",
        UNI,
        "Chemnitz",
        50.813,
        12.929,
        "https://www.tu-chemnitz.de",
    ),
    ("Zuse Institute Berlin", "ZIB", INST, "Berlin", 52.456, 13.297, "https://www.zib.de"),
    (
        "Max Planck Institute for Mathematics in the Sciences",
        "MPI MiS",
        INST,
        "Leipzig",
        51.338,
        12.385,
        "https://www.mis.mpg.de",
    ),
]

# The real people publicly named as coordinator, team members or principal investigators, with
# their public affiliations. No biographies.
REAL_PEOPLE = [
    ("Prof. Dr.", "Gitta", "Kutyniok", "LMU Munich", [Role.COORDINATOR]),
    ("Prof. Dr.", "Martin", "Burger", "FAU", [Role.COORDINATION_TEAM]),
    ("Prof. Dr.", "Matthias", "Hein", "University of Tübingen", [Role.COORDINATION_TEAM]),
    ("Prof. Dr.", "Guido", "Montúfar", "MPI MiS", [Role.PRINCIPAL_INVESTIGATOR]),
    ("Prof. Dr.", "Marc", "Pfetsch", "TU Darmstadt", [Role.PRINCIPAL_INVESTIGATOR]),
    ("Prof. Dr.", "Sebastian", "Pokutta", "ZIB", [Role.PRINCIPAL_INVESTIGATOR]),
    ("Prof. Dr.", "Massimo", "Fornasier", "TUM", [Role.PRINCIPAL_INVESTIGATOR]),
    ("Prof. Dr.", "Holger", "Rauhut", "RWTH Aachen", [Role.PRINCIPAL_INVESTIGATOR]),
    ("Prof. Dr.", "Debarghya", "Ghoshdastidar", "TUM", [Role.PRINCIPAL_INVESTIGATOR]),
]

# Demo principal investigators: obviously not real people ("Demo" as first name).
DEMO_SURNAMES = [
    "Albrecht", "Bauer", "Conrad", "Dietrich", "Engel", "Fischer", "Graf", "Hartmann", "Imhof", "Jung",
    "Keller", "Lorenz", "Maier", "Neumann", "Otto", "Peters", "Quast", "Richter", "Schulz", "Thiel",
    "Ulrich", "Vogel", "Weber", "Xaver", "Yilmaz", "Zimmer", "Arnold", "Brandt",
]  # fmt: skip
DEMO_UNIVERSITIES = [
    "LMU Munich", "FAU", "University of Tübingen", "TU Berlin", "HU Berlin", "FU Berlin", "University of Bonn",
    "Heidelberg University", "KIT", "University of Freiburg", "University of Stuttgart", "University of Hamburg",
    "University of Göttingen", "TU Dresden", "Leipzig University", "University of Münster",
    "University of Würzburg", "University of Mannheim", "Osnabrück University", "University of Passau",
    "TU Chemnitz",
]  # fmt: skip

PERSPECTIVES = [
    (
        1,
        "Statistical perspective",
        "statistical",
        "Training as a statistical learning problem: expressivity, learning, optimisation and generalisation.",
        """The statistical perspective treats the training of a deep neural network as a statistical
learning problem. Projects study

- **expressivity**: which functions networks of a given architecture can represent, and at what cost;
- **optimisation**: why gradient methods find good minimisers of non-convex losses such as
  $\\mathcal{L}(\\theta) = \\frac{1}{n}\\sum_{i=1}^n \\ell(f_\\theta(x_i), y_i)$;
- **generalisation**: why over-parameterised networks still predict well on unseen data.

The aim is a theory that explains the success of deep learning and predicts where it fails.""",
    ),
    (
        2,
        "Application perspective",
        "application",
        "Security, robustness, interpretability and fairness of deep learning.",
        """Deep learning is used where errors matter. The application perspective develops the
mathematics behind four properties that practice requires:

1. **Security** against deliberate manipulation,
2. **Robustness** to small perturbations of the input,
3. **Interpretability** of decisions,
4. **Fairness** towards the groups a model affects.

Projects derive certificates and guarantees rather than heuristics.""",
    ),
    (
        3,
        "Mathematical-methodological perspective",
        "mathematical-methodological",
        "Deep-learning-based methods for inverse problems and partial differential equations, and their analysis.",
        """Neural networks are changing how inverse problems and partial differential equations are
solved numerically. This perspective develops such methods and analyses them with the tools of
numerical analysis: approximation rates, stability, and convergence.

A typical question: for a PDE $-\\Delta u = f$ on $\\Omega$, how many parameters does a network
need to approximate $u$ to accuracy $\\varepsilon$, and can training find them?""",
    ),
]

# title, acronym, perspective numbers, phases, GEPRIS id, [(first, last) of PIs], demo?
REAL_PROJECTS = [
    (
        "Combinatorial and implicit approaches to deep learning",
        "",
        [1],
        [2],
        "464109215",
        [("Guido", "Montúfar")],
    ),
    (
        "Globally Optimal Neural Network Training",
        "",
        [1],
        [1, 2],
        "463910157",
        [("Marc", "Pfetsch"), ("Sebastian", "Pokutta")],
    ),
    (
        "Provable Robustness Certification of Graph Neural Networks",
        "",
        [2],
        [1, 2],
        "463892539",
        [("Demo", "Albrecht")],
    ),
    (
        "Implicit Bias and Low Complexity Networks",
        "iLOCO",
        [1],
        [1, 2],
        "",
        [("Massimo", "Fornasier"), ("Holger", "Rauhut")],
    ),
    (
        "Statistical guarantees for semi-supervised and unsupervised deep learning",
        "",
        [1],
        [1, 2],
        "",
        [("Debarghya", "Ghoshdastidar")],
    ),
]

DEMO_PROJECT_TITLES = [
    ("Approximation rates of deep networks for operator learning", [3]),
    ("Stability of learned reconstruction methods in tomography", [3]),
    ("Generalisation bounds via algorithmic stability", [1]),
    ("Fairness constraints in empirical risk minimisation", [2]),
    ("Interpretable attributions with guarantees", [2]),
    ("Mean-field limits of deep residual networks", [1, 3]),
    ("Physics-informed networks for parabolic equations", [3]),
    ("Adversarial robustness and the geometry of decision boundaries", [2]),
    ("Topology of loss landscapes", [1]),
    ("Learned regularisers for inverse scattering", [3]),
    ("Sparse and quantised networks: expressivity versus cost", [1]),
    ("Certified robustness for time series models", [2]),
    ("Neural operators for uncertainty quantification", [3]),
    ("Overparameterisation and benign overfitting", [1]),
    ("Algebraic geometry of linear and polynomial networks", [1]),
    ("Privacy-preserving training with provable guarantees", [2]),
    ("Graph neural networks for discretised PDEs", [3]),
    ("Optimal control perspectives on training dynamics", [1, 3]),
]


def _dt(y, m, d, hh=0, mm=0):
    return datetime.combine(date(y, m, d), time(hh, mm), tzinfo=BERLIN)


def _person(title, first, last, affiliation, demo=False):
    slug = slugify(f"{first}-{last}")
    person, created = Person.objects.get_or_create(
        slug=slug,
        defaults={"title": title, "first_name": first, "last_name": last, "affiliation": affiliation},
    )
    if created and demo:
        person.bio = (
            f"*Demo entry.* {first} {last} is a fictitious researcher created for the demo content "
            "of this site."
        )
        person.photo = SimpleUploadedFile(f"{slug}.jpg", portrait(f"{first[0]}{last[0]}", slug))
        person.photo_alt = ""
        person.save()
    return person


def seed(log):
    institutions = {}
    for name, short, kind, city, lat, lon, website in INSTITUTIONS:
        inst, _ = Institution.objects.get_or_create(
            slug=slugify(short),
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "city": city,
                "country": "Germany",
                "latitude": lat,
                "longitude": lon,
                "website": website,
            },
        )
        institutions[short] = inst

    phases = {}
    for number, start, end, dfg, text in [
        (1, date(2021, 7, 1), date(2024, 6, 30), "441826958", "The first three-year funding period."),
        (
            2,
            date(2024, 7, 1),
            date(2027, 6, 30),
            "543917411",
            "The second and last funding period (SPP 2298-2).",
        ),
    ]:
        phases[number], _ = FundingPhase.objects.get_or_create(
            number=number,
            defaults={"start_date": start, "end_date": end, "dfg_project_number": dfg, "description": text},
        )

    perspectives = {}
    for number, title, slug, summary, body in PERSPECTIVES:
        perspectives[number], _ = ResearchPerspective.objects.get_or_create(
            slug=slug, defaults={"number": number, "title": title, "summary": summary, "body": body}
        )

    people = {}
    for title, first, last, inst, roles in REAL_PEOPLE:
        person = _person(title, first, last, institutions[inst])
        people[(first, last)] = person
        for role in roles:
            PersonRole.objects.get_or_create(person=person, role=role)
    for index, surname in enumerate(DEMO_SURNAMES):
        inst = institutions[DEMO_UNIVERSITIES[index % len(DEMO_UNIVERSITIES)]]
        title = "Prof. Dr." if index % 3 else "Dr."
        people[("Demo", surname)] = _person(title, "Demo", surname, inst, demo=True)
        PersonRole.objects.get_or_create(person=people[("Demo", surname)], role=Role.PRINCIPAL_INVESTIGATOR)
    extra = [
        ("Dr.", "Demo", "Researcher-Lang", "LMU Munich", Role.RESEARCHER),
        ("", "Demo", "Doctoral-Kaya", "TUM", Role.RESEARCHER),
        ("Prof. Dr.", "Demo", "Fellow-Morgan", "University of Bonn", Role.MERCATOR_FELLOW),
        ("Prof. Dr.", "Demo", "Fellow-Sato", "Heidelberg University", Role.MERCATOR_FELLOW),
        ("Prof. Dr.", "Demo", "Committee-Berg", "University of Hamburg", Role.COMMITTEE),
        ("Prof. Dr.", "Demo", "Committee-Roth", "KIT", Role.COMMITTEE),
        ("", "Demo", "Office-Schmidt", "LMU Munich", Role.COORDINATION_TEAM),
    ]
    for title, first, last, inst, role in extra:
        person = _person(title, first, last, institutions[inst], demo=True)
        people[(first, last)] = person
        PersonRole.objects.get_or_create(person=person, role=role)

    def add_project(title, acronym, perspective_numbers, phase_numbers, gepris, pis, abstract):
        project, created = Project.objects.get_or_create(
            slug=slugify(acronym or title)[:120],
            defaults={"title": title, "acronym": acronym, "gepris_id": gepris, "abstract": abstract},
        )
        if created:
            project.perspectives.set([perspectives[n] for n in perspective_numbers])
            project.phases.set([phases[n] for n in phase_numbers])
            project.institutions.set({pi.affiliation for pi in pis if pi.affiliation})
            for order, pi in enumerate(pis):
                ProjectMembership.objects.get_or_create(
                    project=project,
                    person=pi,
                    defaults={"role": ProjectMembership.Role.PRINCIPAL_INVESTIGATOR, "order": order},
                )
        return project

    for title, acronym, persp, phase_numbers, gepris, pi_names in REAL_PROJECTS:
        abstract = (
            f"*Demo text:* the project “{title}” belongs to the "
            f"{perspectives[persp[0]].title.lower()} of the program. The actual abstract is on "
            + ("its GEPRIS page, linked on the right." if gepris else "the project's own pages.")
        )
        add_project(title, acronym, persp, phase_numbers, gepris, [people[n] for n in pi_names], abstract)

    demo_pis = [people[("Demo", s)] for s in DEMO_SURNAMES[1:]]  # Albrecht leads the GNN project above
    cursor = 0
    for index, (title, persp) in enumerate(DEMO_PROJECT_TITLES):
        count = 2 if index < 9 else 1
        pis = demo_pis[cursor : cursor + count]
        cursor += count
        abstract = (
            f"*Demo project.* {title} is a fictitious project created for the demo content. "
            "It illustrates how abstracts look, including mathematics such as "
            "$\\|f - f_\\theta\\|_{L^2} \\le C\\, n^{-\\alpha}$ and lists:\n\n"
            "- a first work package on theory,\n- a second on algorithms,\n- a third on applications."
        )
        project = add_project(f"{title} (demo)", "", persp, [1, 2] if index % 4 else [2], "", pis, abstract)
        if index == 0:
            ProjectMembership.objects.get_or_create(
                project=project,
                person=people[("Demo", "Researcher-Lang")],
                defaults={"role": ProjectMembership.Role.RESEARCHER, "order": 5},
            )

    log(
        f"programs: {Project.objects.count()} projects, {Person.objects.count()} people, {Institution.objects.count()} institutions"
    )
    return {"phases": phases, "people": people, "institutions": institutions}


def seed_calls(log, phases, info_sessions):
    """Calls refer to the information-session events, so they are seeded after the events."""
    first, created = Call.objects.get_or_create(
        slug="first-funding-period",
        defaults={
            "title": "Call for proposals: first funding period",
            "phase": phases[1],
            "opens_on": date(2020, 7, 3),
            "deadline": _dt(2020, 11, 30, 23, 59),
            "summary": "Proposals for the first three-year funding period.",
            "body": """The DFG announced the call in its *Information for Researchers* No. 36 of
3 July 2020. Proposals for projects in the first funding period were due on **30 November 2020**.

## Who could apply

Researchers in Germany, or at German institutions abroad, with a doctorate.""",
            "status": Status.PUBLISHED,
            "publish_at": _dt(2020, 7, 3),
        },
    )
    if created:
        first.info_sessions.set(info_sessions.get("first", []))
    second, created = Call.objects.get_or_create(
        slug="second-funding-period",
        defaults={
            "title": "Call for proposals: second funding period",
            "phase": phases[2],
            "opens_on": date(2023, 6, 23),
            "deadline": _dt(2023, 11, 30, 23, 59),
            "summary": "Proposals for the second and last funding period (SPP 2298-2).",
            "body": """The DFG announced the call for the second (and last) funding period in its
*Information for Researchers* No. 53 of 23 June 2023.

## Eligibility

Researchers with a doctorate working in Germany, or at a German research institution abroad, may
apply. Projects of the first period may apply for continuation; new projects are welcome.

## How to submit

Proposals are submitted through the DFG's electronic proposal system *elan*, selecting this
priority program. (*Demo content: the deadline shown here is a placeholder.*)""",
            "status": Status.PUBLISHED,
            "publish_at": _dt(2023, 6, 23),
        },
    )
    if created:
        second.info_sessions.set(info_sessions.get("second", []))
        for order, (question, answer) in enumerate(
            [
                (
                    "Can projects from the first period apply again?",
                    "Yes. Continuation proposals are reviewed together with new proposals.",
                ),
                (
                    "May I apply as an early-career researcher?",
                    "Yes, with a doctorate you may apply for your own position and project.",
                ),
                (
                    "How long is the funding period?",
                    "Three years; it is the program's second and last period.",
                ),
            ]
        ):
            FAQItem.objects.create(call=second, question=question, answer=answer, order=order)
    log(f"programs: {Call.objects.count()} calls")
