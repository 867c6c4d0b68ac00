"""Subject vocabulary for the synthetic corpus: the topic hierarchy and the words used in text.

The hierarchy mirrors OpenAlex's shape (domain > field > subfield > topic) with plausible labels.
Each field carries the phrases that titles and abstracts are assembled from; each subfield adds
its own concepts.  All phrases are lower case unless they contain a proper noun or an acronym.
"""

from __future__ import annotations

DOMAINS: dict[int, str] = {
    1: "Life Sciences",
    2: "Social Sciences",
    3: "Physical Sciences",
    4: "Health Sciences",
}

# Each field: code, name, domain, relative size, typical team size, department names, phrase lists,
# and its subfields (code, name, concepts, topics).
FIELDS: list[dict] = [
    {
        "code": 17,
        "name": "Computer Science",
        "domain": 3,
        "weight": 14.0,
        "team": 3.6,
        "depts": ["Department of Computer Science", "School of Computing", "Institute for Artificial Intelligence"],
        "methods": [
            "deep neural networks", "gradient boosting", "contrastive learning", "Bayesian optimisation",
            "graph neural networks", "attention mechanisms", "self-supervised pretraining", "model-based planning",
            "symbolic execution", "static analysis", "federated learning", "mixed-integer programming",
        ],
        "objects": [
            "benchmark datasets", "large-scale graphs", "image collections", "software repositories",
            "wireless networks", "user interaction logs", "video streams", "open-source projects",
            "sensor traces", "knowledge bases",
        ],
        "measures": [
            "accuracy", "robustness", "latency", "energy efficiency", "generalisation", "scalability",
            "sample efficiency", "interpretability", "throughput", "memory footprint",
        ],
        "settings": [
            "low-resource settings", "real-world deployments", "edge devices", "safety-critical applications",
            "federated environments", "adversarial conditions", "streaming scenarios",
        ],
        "subfields": [
            (1702, "Artificial Intelligence",
             ["policy gradients", "reward shaping", "transformer architectures", "in-context learning",
              "chain-of-thought prompting", "feature attribution", "counterfactual explanations",
              "knowledge distillation", "relational reasoning", "multi-agent coordination"],
             ["Deep Reinforcement Learning for Control", "Large Language Models and Reasoning",
              "Explainable Artificial Intelligence", "Multi-Agent Systems and Coordination",
              "Knowledge Graph Embedding"]),
            (1707, "Computer Vision and Pattern Recognition",
             ["object detection", "semantic segmentation", "diffusion models", "point clouds",
              "visual tracking", "image super-resolution", "neural radiance fields", "domain adaptation"],
             ["Object Detection and Tracking", "Medical Image Segmentation", "Generative Image Synthesis",
              "3D Scene Reconstruction"]),
            (1705, "Computer Networks and Communications",
             ["task offloading", "routing protocols", "intrusion detection", "network slicing",
              "packet scheduling", "spectrum allocation", "congestion control"],
             ["Wireless Sensor Network Protocols", "Edge Computing and Offloading",
              "Network Security and Intrusion Detection", "Software-Defined Networking"]),
            (1712, "Software",
             ["program repair", "fuzz testing", "code review", "type inference", "regression testing",
              "technical debt", "model checking", "continuous integration"],
             ["Automated Program Repair", "Software Testing and Fuzzing",
              "Code Review and Developer Productivity", "Formal Verification of Programs"]),
        ],
    },
    {
        "code": 31,
        "name": "Physics and Astronomy",
        "domain": 3,
        "weight": 10.0,
        "team": 5.5,
        "depts": ["Department of Physics", "Institute of Theoretical Physics", "Department of Physics and Astronomy"],
        "methods": [
            "density functional theory", "Monte Carlo simulations", "tensor network methods",
            "time-resolved spectroscopy", "perturbation theory", "lattice calculations",
            "neutron scattering", "interferometric measurements", "numerical relativity", "cold-atom experiments",
        ],
        "objects": [
            "thin films", "trapped ions", "superconducting qubits", "galaxy clusters", "spin chains",
            "photonic crystals", "heavy-ion collisions", "exoplanet atmospheres", "two-dimensional materials",
        ],
        "measures": [
            "coherence time", "critical temperature", "energy resolution", "signal-to-noise ratio",
            "spectral density", "transition rates", "fidelity", "cross sections",
        ],
        "settings": [
            "high magnetic fields", "ultracold regimes", "strong coupling", "cosmological simulations",
            "collider experiments", "room temperature", "non-equilibrium conditions",
        ],
        "subfields": [
            (3107, "Atomic and Molecular Physics, and Optics",
             ["optical lattices", "frequency combs", "squeezed light", "Rydberg atoms", "laser cooling",
              "nonlinear optics", "photon statistics"],
             ["Quantum Optics and Photonics", "Ultracold Atomic Gases", "Ultrafast Laser Spectroscopy",
              "Precision Atomic Clocks"]),
            (3104, "Condensed Matter Physics",
             ["topological insulators", "Kitaev spin liquids", "charge density waves", "moiré superlattices",
              "magnon transport", "unconventional superconductivity", "Weyl semimetals"],
             ["Topological Materials and Phases", "High-Temperature Superconductivity",
              "Quantum Spin Liquids", "Twisted Bilayer Graphene"]),
            (3103, "Astronomy and Astrophysics",
             ["dark matter haloes", "gravitational waves", "fast radio bursts", "stellar populations",
              "accretion discs", "weak lensing", "cosmic reionisation"],
             ["Gravitational Wave Astronomy", "Galaxy Formation and Evolution", "Exoplanet Detection and Characterization",
              "Cosmic Microwave Background"]),
            (3106, "Nuclear and High Energy Physics",
             ["Higgs boson couplings", "neutrino oscillations", "quark-gluon plasma", "jet substructure",
              "lattice QCD", "dark photon searches"],
             ["Neutrino Physics", "Particle Physics Beyond the Standard Model", "Quark-Gluon Plasma Dynamics"]),
        ],
    },
    {
        "code": 16,
        "name": "Chemistry",
        "domain": 3,
        "weight": 7.0,
        "team": 5.0,
        "depts": ["Department of Chemistry", "School of Chemical Sciences", "Institute of Organic Chemistry"],
        "methods": [
            "in situ NMR spectroscopy", "X-ray crystallography", "mass spectrometry", "kinetic modelling",
            "ab initio molecular dynamics", "cyclic voltammetry", "high-throughput screening", "flow synthesis",
        ],
        "objects": [
            "metal-organic frameworks", "transition-metal complexes", "organic semiconductors", "ionic liquids",
            "peptide conjugates", "zeolites", "polymer brushes", "nanoclusters",
        ],
        "measures": [
            "yield", "selectivity", "turnover frequency", "binding affinity", "thermal stability",
            "quantum yield", "activation energy",
        ],
        "settings": [
            "mild conditions", "aqueous media", "ambient pressure", "visible-light irradiation",
            "solvent-free conditions", "continuous flow",
        ],
        "subfields": [
            (1605, "Organic Chemistry",
             ["C–H activation", "asymmetric catalysis", "photoredox catalysis", "cross-coupling reactions",
              "total synthesis", "organocatalysis"],
             ["Asymmetric Synthesis and Catalysis", "Photoredox Catalysis", "C–H Bond Functionalization",
              "Natural Product Total Synthesis"]),
            (1606, "Physical and Theoretical Chemistry",
             ["potential energy surfaces", "excited-state dynamics", "solvation effects", "charge transfer",
              "vibrational spectra", "reaction barriers"],
             ["Excited-State Dynamics", "Computational Chemistry Methods", "Molecular Spectroscopy and Dynamics"]),
            (1603, "Electrochemistry",
             ["oxygen evolution", "CO2 reduction", "solid electrolytes", "lithium dendrites",
              "electrocatalyst stability", "ion transport"],
             ["Electrocatalysis for CO2 Reduction", "Solid-State Battery Electrolytes", "Water Splitting Electrocatalysts",
              "Lithium-Ion Battery Degradation"]),
        ],
    },
    {
        "code": 25,
        "name": "Materials Science",
        "domain": 3,
        "weight": 6.0,
        "team": 5.5,
        "depts": ["Department of Materials Science and Engineering", "Institute of Materials Research"],
        "methods": [
            "transmission electron microscopy", "additive manufacturing", "atomic layer deposition",
            "phase-field modelling", "machine-learned interatomic potentials", "nanoindentation",
            "synchrotron diffraction",
        ],
        "objects": [
            "perovskite films", "high-entropy alloys", "carbon nanotubes", "hydrogels", "ceramic coatings",
            "polymer composites", "oxide heterostructures",
        ],
        "measures": [
            "tensile strength", "fracture toughness", "power conversion efficiency", "thermal conductivity",
            "corrosion resistance", "grain size", "carrier mobility",
        ],
        "settings": [
            "harsh environments", "cyclic loading", "elevated temperatures", "humid conditions",
            "industrial scale", "flexible substrates",
        ],
        "subfields": [
            (2505, "Materials Chemistry",
             ["defect passivation", "ligand engineering", "self-assembly", "crystallisation kinetics",
              "surface functionalisation"],
             ["Perovskite Solar Cells", "Metal-Organic Frameworks for Gas Storage", "Self-Healing Polymers"]),
            (2506, "Metals and Alloys",
             ["precipitation hardening", "dislocation dynamics", "grain boundary segregation",
              "hydrogen embrittlement", "phase stability"],
             ["High-Entropy Alloys", "Additive Manufacturing of Metals", "Corrosion of Steels"]),
            (2508, "Surfaces, Coatings and Films",
             ["epitaxial growth", "interface roughness", "wettability", "tribological behaviour"],
             ["Two-Dimensional Material Growth", "Protective Coatings and Tribology", "Thin Film Deposition Techniques"]),
        ],
    },
    {
        "code": 26,
        "name": "Mathematics",
        "domain": 3,
        "weight": 4.0,
        "team": 2.2,
        "depts": ["Department of Mathematics", "School of Mathematical Sciences", "Institute of Applied Mathematics"],
        "methods": [
            "variational methods", "spectral analysis", "probabilistic coupling", "finite element methods",
            "entropy estimates", "combinatorial arguments", "stochastic calculus", "operator splitting",
        ],
        "objects": [
            "elliptic equations", "random graphs", "Banach spaces", "Markov chains", "hyperbolic systems",
            "sparse matrices", "algebraic curves", "Lie groups",
        ],
        "measures": [
            "convergence rates", "regularity", "error bounds", "mixing times", "asymptotic behaviour",
            "stability", "complexity",
        ],
        "settings": [
            "high dimensions", "non-smooth domains", "the critical regime", "the small-noise limit",
            "general metric spaces", "finite fields",
        ],
        "subfields": [
            (2603, "Analysis",
             ["Sobolev inequalities", "harmonic measures", "blow-up solutions", "dispersive estimates",
              "free boundaries"],
             ["Nonlinear Partial Differential Equations", "Harmonic Analysis and Singular Integrals",
              "Free Boundary Problems"]),
            (2613, "Statistics and Probability",
             ["concentration inequalities", "random matrices", "stochastic processes", "high-dimensional inference",
              "Bayesian nonparametrics", "extreme values"],
             ["Random Matrix Theory", "High-Dimensional Statistical Inference", "Stochastic Processes and Diffusions",
              "Bayesian Nonparametric Methods"]),
            (2605, "Computational Mathematics",
             ["preconditioners", "multigrid solvers", "adaptive meshes", "low-rank approximation",
              "uncertainty quantification"],
             ["Numerical Methods for PDEs", "Iterative Solvers for Sparse Systems", "Uncertainty Quantification"]),
            (2607, "Discrete Mathematics and Combinatorics",
             ["graph colourings", "extremal problems", "Ramsey numbers", "additive combinatorics",
              "matroid theory"],
             ["Extremal Graph Theory", "Additive Combinatorics", "Graph Coloring Problems"]),
        ],
    },
    {
        "code": 22,
        "name": "Engineering",
        "domain": 3,
        "weight": 7.0,
        "team": 4.2,
        "depts": ["Department of Electrical Engineering", "School of Mechanical Engineering", "Faculty of Engineering"],
        "methods": [
            "model predictive control", "finite element analysis", "computational fluid dynamics",
            "Kalman filtering", "topology optimisation", "digital twins", "reinforcement learning control",
        ],
        "objects": [
            "wind turbines", "power converters", "autonomous vehicles", "lithium-ion cells", "bridges",
            "microgrids", "robotic manipulators", "heat exchangers",
        ],
        "measures": [
            "efficiency", "fatigue life", "tracking error", "power density", "reliability", "cost",
            "vibration amplitude",
        ],
        "settings": [
            "grid-connected operation", "extreme weather", "real-time constraints", "urban environments",
            "offshore conditions", "variable loads",
        ],
        "subfields": [
            (2208, "Electrical and Electronic Engineering",
             ["power electronics", "grid stability", "battery management", "harmonic distortion",
              "inverter control"],
             ["Microgrid Control and Optimization", "Power Electronic Converters", "Battery Management Systems"]),
            (2207, "Control and Systems Engineering",
             ["robust control", "fault diagnosis", "state estimation", "trajectory planning", "system identification"],
             ["Autonomous Vehicle Navigation", "Fault Detection and Diagnosis", "Robotic Motion Planning"]),
            (2210, "Mechanical Engineering",
             ["turbulent flows", "heat transfer", "structural health monitoring", "composite laminates",
              "vibration control"],
             ["Structural Health Monitoring", "Heat Transfer Enhancement", "Wind Turbine Aerodynamics"]),
        ],
    },
    {
        "code": 19,
        "name": "Earth and Planetary Sciences",
        "domain": 3,
        "weight": 3.5,
        "team": 5.0,
        "depts": ["Department of Earth Sciences", "School of Geosciences", "Institute of Atmospheric Physics"],
        "methods": [
            "satellite altimetry", "seismic tomography", "climate model ensembles", "isotope geochemistry",
            "radar interferometry", "data assimilation",
        ],
        "objects": [
            "ice sheets", "fault zones", "monsoon systems", "sediment cores", "volcanic plumes",
            "ocean eddies", "permafrost soils",
        ],
        "measures": [
            "mass balance", "recurrence intervals", "precipitation extremes", "uplift rates", "heat content",
        ],
        "settings": [
            "a warming climate", "the Holocene", "polar regions", "subduction zones", "the tropical Pacific",
        ],
        "subfields": [
            (1902, "Atmospheric Science",
             ["aerosol-cloud interactions", "blocking events", "convective organisation", "jet stream variability"],
             ["Climate Variability and Extremes", "Aerosols and Cloud Microphysics", "Tropical Cyclone Dynamics"]),
            (1908, "Geophysics",
             ["slow slip events", "mantle convection", "ground motion prediction", "induced seismicity"],
             ["Earthquake Source Physics", "Seismic Imaging of the Crust", "Volcanic Hazard Assessment"]),
            (1910, "Oceanography",
             ["ocean heat uptake", "sea-level rise", "mesoscale eddies", "ocean acidification"],
             ["Sea Level Rise and Coastal Impacts", "Ocean Circulation and Mixing", "Ice Sheet Dynamics"]),
        ],
    },
    {
        "code": 23,
        "name": "Environmental Science",
        "domain": 3,
        "weight": 4.0,
        "team": 5.0,
        "depts": ["Department of Environmental Science", "School of Environment", "Institute for Sustainability"],
        "methods": [
            "life cycle assessment", "remote sensing", "species distribution models", "field surveys",
            "geospatial analysis", "stable isotope tracing",
        ],
        "objects": [
            "river basins", "urban air", "agricultural soils", "coastal wetlands", "microplastics",
            "wastewater effluents",
        ],
        "measures": [
            "pollutant concentrations", "carbon emissions", "biodiversity loss", "removal efficiency",
            "ecosystem services",
        ],
        "settings": [
            "megacities", "arid regions", "the Global South", "post-industrial landscapes", "smallholder farms",
        ],
        "subfields": [
            (2310, "Pollution",
             ["fine particulate matter", "heavy-metal contamination", "PFAS exposure", "nitrate leaching"],
             ["Air Quality and Health Effects", "Microplastic Pollution", "Heavy Metal Soil Contamination"]),
            (2306, "Global and Planetary Change",
             ["land-use change", "carbon sequestration", "climate adaptation", "wildfire regimes"],
             ["Land Use and Carbon Sequestration", "Climate Change Adaptation Strategies", "Wildfire Ecology and Management"]),
            (2311, "Waste Management and Disposal",
             ["anaerobic digestion", "landfill leachate", "circular economy", "plastic recycling"],
             ["Anaerobic Digestion of Organic Waste", "Plastic Recycling Technologies", "Wastewater Treatment Processes"]),
        ],
    },
    {
        "code": 13,
        "name": "Biochemistry, Genetics and Molecular Biology",
        "domain": 1,
        "weight": 10.0,
        "team": 6.5,
        "depts": ["Department of Biochemistry", "Institute of Molecular Biology", "Department of Genetics"],
        "methods": [
            "single-cell RNA sequencing", "CRISPR screening", "cryo-electron microscopy", "proteomic profiling",
            "genome-wide association analysis", "live-cell imaging", "chromatin immunoprecipitation",
        ],
        "objects": [
            "mouse models", "patient-derived organoids", "human cell lines", "zebrafish embryos",
            "yeast mutants", "bacterial isolates", "tumour samples",
        ],
        "measures": [
            "gene expression", "protein stability", "binding kinetics", "cell viability", "mutation burden",
            "splicing efficiency",
        ],
        "settings": [
            "oxidative stress", "ageing tissues", "early development", "hypoxia", "the tumour microenvironment",
        ],
        "subfields": [
            (1312, "Molecular Biology",
             ["RNA modifications", "transcriptional enhancers", "chromatin remodelling", "alternative splicing",
              "non-coding RNAs"],
             ["RNA Modifications and Epitranscriptomics", "Chromatin Regulation and Epigenetics",
              "Long Non-Coding RNA Function"]),
            (1311, "Genetics",
             ["polygenic scores", "rare variants", "gene regulatory networks", "population structure",
              "genome editing"],
             ["Genome-Wide Association Studies", "CRISPR Gene Editing Applications", "Population Genomics and Adaptation"]),
            (1306, "Cancer Research",
             ["immune checkpoint blockade", "tumour heterogeneity", "metastatic niches", "oncogenic signalling",
              "drug resistance"],
             ["Cancer Immunotherapy", "Tumor Microenvironment", "Mechanisms of Drug Resistance in Cancer"]),
            (1307, "Cell Biology",
             ["autophagy", "mitochondrial dynamics", "cell migration", "organelle contact sites", "ciliogenesis"],
             ["Autophagy and Cellular Homeostasis", "Mitochondrial Dynamics", "Cell Migration and Adhesion"]),
        ],
    },
    {
        "code": 11,
        "name": "Agricultural and Biological Sciences",
        "domain": 1,
        "weight": 5.0,
        "team": 5.0,
        "depts": ["Department of Plant Sciences", "Department of Ecology and Evolution", "Faculty of Agriculture"],
        "methods": [
            "field trials", "transcriptome analysis", "phylogenetic comparative methods", "camera trapping",
            "mark-recapture surveys", "metabarcoding",
        ],
        "objects": [
            "wheat cultivars", "rice paddies", "pollinator communities", "forest stands", "coral reefs",
            "soil microbiomes", "bird populations",
        ],
        "measures": [
            "grain yield", "species richness", "drought tolerance", "survival rates", "nitrogen use efficiency",
        ],
        "settings": [
            "changing climates", "fragmented landscapes", "saline soils", "tropical forests", "organic farming",
        ],
        "subfields": [
            (1110, "Plant Science",
             ["root architecture", "stomatal conductance", "photosynthetic efficiency", "pathogen resistance"],
             ["Plant Drought Stress Responses", "Crop Genomics and Breeding", "Plant Immunity and Pathogens"]),
            (1105, "Ecology, Evolution, Behavior and Systematics",
             ["range shifts", "sexual selection", "adaptive radiation", "trophic cascades", "dispersal behaviour"],
             ["Species Distribution and Climate Change", "Evolutionary Adaptation Mechanisms", "Animal Behavior and Ecology"]),
            (1104, "Aquatic Science",
             ["coral bleaching", "fish stock assessment", "eutrophication", "marine protected areas"],
             ["Coral Reef Resilience", "Fisheries Management", "Freshwater Ecosystem Dynamics"]),
        ],
    },
    {
        "code": 24,
        "name": "Immunology and Microbiology",
        "domain": 1,
        "weight": 4.0,
        "team": 6.0,
        "depts": ["Department of Microbiology", "Institute of Immunology", "Department of Infectious Diseases"],
        "methods": [
            "flow cytometry", "metagenomic sequencing", "neutralisation assays", "germ-free mouse models",
            "T-cell receptor profiling", "time-kill assays",
        ],
        "objects": [
            "gut microbiota", "clinical isolates", "memory B cells", "bacteriophages", "viral variants",
            "biofilms",
        ],
        "measures": [
            "antibody titres", "minimum inhibitory concentrations", "infection rates", "cytokine levels",
            "colonisation resistance",
        ],
        "settings": [
            "chronic infection", "immunocompromised hosts", "hospital settings", "vaccinated cohorts",
        ],
        "subfields": [
            (2403, "Immunology",
             ["innate immune sensing", "germinal centres", "regulatory T cells", "trained immunity"],
             ["T Cell Differentiation", "Vaccine Immune Responses", "Innate Immune Signaling"]),
            (2404, "Microbiology",
             ["antimicrobial resistance", "quorum sensing", "phage therapy", "microbial metabolism"],
             ["Antimicrobial Resistance Mechanisms", "Gut Microbiome and Health", "Bacteriophage Biology and Therapy"]),
            (2406, "Virology",
             ["viral entry", "immune evasion", "viral evolution", "replication complexes"],
             ["SARS-CoV-2 Variants and Immunity", "Influenza Virus Evolution", "Viral Replication Mechanisms"]),
        ],
    },
    {
        "code": 28,
        "name": "Neuroscience",
        "domain": 1,
        "weight": 4.5,
        "team": 5.5,
        "depts": ["Department of Neuroscience", "Institute of Neurobiology", "Brain Research Institute"],
        "methods": [
            "functional MRI", "two-photon imaging", "optogenetics", "electrophysiological recordings",
            "connectomics", "computational modelling",
        ],
        "objects": [
            "cortical circuits", "hippocampal neurons", "transgenic mice", "human participants",
            "brain organoids", "retinal ganglion cells",
        ],
        "measures": [
            "synaptic plasticity", "firing rates", "functional connectivity", "memory performance",
            "neuronal survival",
        ],
        "settings": [
            "sleep deprivation", "neurodegeneration", "early life stress", "ageing", "chronic pain",
        ],
        "subfields": [
            (2805, "Cognitive Neuroscience",
             ["working memory", "predictive coding", "attention networks", "decision making"],
             ["Neural Mechanisms of Working Memory", "Predictive Coding in Perception", "Neural Basis of Decision Making"]),
            (2808, "Neurology",
             ["amyloid pathology", "alpha-synuclein aggregation", "neuroinflammation", "stroke recovery"],
             ["Alzheimer's Disease Mechanisms", "Parkinson's Disease Pathology", "Stroke Rehabilitation"]),
            (2804, "Cellular and Molecular Neuroscience",
             ["axon regeneration", "dendritic spines", "glial signalling", "ion channel gating"],
             ["Synaptic Transmission and Plasticity", "Glial Cell Function", "Axon Regeneration"]),
        ],
    },
    {
        "code": 27,
        "name": "Medicine",
        "domain": 4,
        "weight": 14.0,
        "team": 7.0,
        "depts": ["Department of Internal Medicine", "Faculty of Medicine", "Department of Epidemiology",
                  "Department of Cardiology"],
        "methods": [
            "randomised controlled trials", "retrospective cohort analysis", "meta-analysis",
            "propensity score matching", "machine learning models", "Mendelian randomisation",
            "qualitative interviews",
        ],
        "objects": [
            "hospitalised patients", "primary care records", "older adults", "pregnant women",
            "children with asthma", "intensive care units", "registry data",
        ],
        "measures": [
            "all-cause mortality", "readmission rates", "diagnostic accuracy", "quality of life",
            "adverse events", "treatment adherence", "length of stay",
        ],
        "settings": [
            "low-income countries", "rural hospitals", "the COVID-19 pandemic", "routine clinical practice",
            "emergency departments",
        ],
        "subfields": [
            (2705, "Cardiology and Cardiovascular Medicine",
             ["atrial fibrillation", "heart failure", "coronary revascularisation", "hypertension control"],
             ["Atrial Fibrillation Management", "Heart Failure Treatment", "Hypertension and Cardiovascular Risk"]),
            (2713, "Epidemiology",
             ["social determinants of health", "disease surveillance", "health inequalities", "vaccine uptake"],
             ["COVID-19 Epidemiology", "Health Inequalities and Outcomes", "Infectious Disease Surveillance"]),
            (2730, "Oncology",
             ["adjuvant chemotherapy", "liquid biopsy", "tumour staging", "radiotherapy dosing"],
             ["Breast Cancer Treatment", "Lung Cancer Screening", "Colorectal Cancer Outcomes"]),
            (2718, "Health Informatics",
             ["clinical decision support", "electronic health records", "risk prediction", "telemedicine"],
             ["Artificial Intelligence in Healthcare", "Electronic Health Record Analytics", "Telemedicine Adoption"]),
        ],
    },
    {
        "code": 32,
        "name": "Psychology",
        "domain": 2,
        "weight": 3.5,
        "team": 3.8,
        "depts": ["Department of Psychology", "School of Psychological Sciences"],
        "methods": [
            "longitudinal surveys", "experience sampling", "structural equation modelling", "online experiments",
            "eye tracking", "preregistered replications",
        ],
        "objects": [
            "adolescents", "university students", "clinical samples", "twins", "working adults",
            "bilingual children",
        ],
        "measures": [
            "well-being", "reaction times", "effect sizes", "anxiety symptoms", "academic achievement",
        ],
        "settings": [
            "cross-cultural samples", "remote learning", "social media use", "the workplace",
        ],
        "subfields": [
            (3202, "Applied Psychology",
             ["burnout", "job satisfaction", "team climate", "leadership styles"],
             ["Occupational Stress and Burnout", "Organizational Behavior and Leadership"]),
            (3204, "Developmental and Educational Psychology",
             ["executive function", "language acquisition", "growth mindset", "reading development"],
             ["Child Language Development", "Executive Function in Children", "Educational Interventions and Achievement"]),
            (3203, "Clinical Psychology",
             ["cognitive behavioural therapy", "emotion regulation", "trauma exposure", "rumination"],
             ["Depression and Anxiety Treatment", "Post-Traumatic Stress Disorder", "Mindfulness-Based Interventions"]),
        ],
    },
    {
        "code": 20,
        "name": "Economics, Econometrics and Finance",
        "domain": 2,
        "weight": 3.5,
        "team": 2.4,
        "depts": ["Department of Economics", "School of Business and Economics"],
        "methods": [
            "difference-in-differences", "instrumental variables", "structural estimation",
            "dynamic stochastic general equilibrium models", "regression discontinuity designs",
            "panel data methods",
        ],
        "objects": [
            "household surveys", "firm-level data", "labour markets", "stock returns", "trade flows",
            "central bank communications",
        ],
        "measures": [
            "wage inequality", "productivity", "volatility", "welfare", "inflation expectations",
        ],
        "settings": [
            "emerging markets", "the euro area", "financial crises", "developing economies", "the gig economy",
        ],
        "subfields": [
            (2002, "Economics and Econometrics",
             ["minimum wages", "monetary transmission", "matching frictions", "causal inference"],
             ["Labor Market Dynamics", "Monetary Policy Transmission", "Causal Inference in Economics"]),
            (2003, "Finance",
             ["asset pricing", "climate risk", "market microstructure", "corporate governance"],
             ["Asset Pricing and Risk", "Climate Finance", "Cryptocurrency Markets"]),
        ],
    },
    {
        "code": 33,
        "name": "Social Sciences",
        "domain": 2,
        "weight": 4.0,
        "team": 2.6,
        "depts": ["Department of Sociology", "School of Public Policy", "Department of Political Science",
                  "School of Information"],
        "methods": [
            "survey experiments", "ethnographic fieldwork", "network analysis", "text-as-data methods",
            "multilevel models", "bibliometric analysis",
        ],
        "objects": [
            "local governments", "social media platforms", "migrant communities", "scientific publications",
            "voters", "schools",
        ],
        "measures": [
            "trust", "political participation", "citation impact", "social mobility", "policy diffusion",
        ],
        "settings": [
            "authoritarian regimes", "post-pandemic societies", "rural communities", "open science",
        ],
        "subfields": [
            (3312, "Sociology and Political Science",
             ["polarisation", "democratic backsliding", "collective action", "misinformation"],
             ["Political Polarization", "Misinformation and Social Media", "Migration and Integration"]),
            (3309, "Library and Information Sciences",
             ["open access publishing", "research evaluation", "citation analysis", "peer review"],
             ["Scientometrics and Research Evaluation", "Open Access and Scholarly Publishing",
              "Research Integrity and Misconduct"]),
            (3304, "Education",
             ["online learning", "teacher education", "assessment practices", "STEM education"],
             ["Online and Blended Learning", "Teacher Professional Development", "STEM Education Outcomes"]),
        ],
    },
]

# Generic academic phrases used in every field.  In templates, "{a_adj}" stands for the
# adjective with its indefinite article ("a robust", "an adaptive"); likewise "{A_adj}",
# "{A_method}" and "{a_pct}".
ADJECTIVES = [
    "scalable", "robust", "unified", "efficient", "data-driven", "principled", "interpretable", "adaptive",
    "hierarchical", "lightweight", "comprehensive", "systematic", "multiscale", "probabilistic", "novel",
    "integrated", "generalised", "physics-informed", "cost-effective", "reproducible", "high-resolution",
    "nonparametric", "context-aware", "longitudinal", "comparative", "minimal", "fast", "accurate",
]

BASELINES = [
    "state-of-the-art baselines", "conventional approaches", "standard methods", "previous estimates",
    "existing protocols", "classical models", "strong baselines",
]

# Each title template has at least four open slots, so that titles rarely repeat.
TITLE_TEMPLATES = [
    "{Method} for {concept} in {object} under {setting}",
    "{Concept}: {a_adj} {method} approach to {measure}",
    "Toward {adj} {concept} with {method} in {setting}",
    "On the {measure} of {object} under {setting}: {a_adj} analysis",
    "{Adj} {concept} via {method} for {object}",
    "Revisiting {concept} in {topic}: {adj} evidence from {object}",
    "{A_method} study of {concept} and {measure} in {setting}",
    "{Topic}: {adj} insights from {n} {object}",
    "Evidence for {concept} in {object} from {adj} {method}",
    "Quantifying the {measure} of {concept} with {adj} {method}",
    "{Concept} and {concept2}: {a_adj} perspective on {object}",
    "Improving the {measure} of {object} using {adj} {method}",
    "{Adj} {method} reveals {concept} in {object}",
    "Does {concept} affect {measure}? Evidence from {n} {object}",
    "Understanding {concept} in {object} through {adj} {method}",
    "{Concept} in {object}: {adj} mechanisms and implications for {setting}",
    "Beyond {concept2}: {adj} {concept} for {setting}",
    "Joint modelling of {concept} and {measure} in {n} {object}",
    "{Method} meets {concept}: {adj} {measure} in {object}",
    "Learning {concept} from {object} with {adj} {method}",
    "The role of {concept} in {topic} under {setting}: {a_adj} view",
    "Characterising {measure} in {object} across {setting} with {method}",
    "{Adj} estimation of {measure} for {concept} in {object}",
    "{A_adj} framework for {concept} and {concept2} under {setting}",
]

BACKGROUND = [
    "{Topic} has attracted growing attention because of its relevance to {concept} and {concept2}.",
    "Understanding {concept} in {object} remains a central problem in {subfield}.",
    "Recent advances in {method} have reshaped how {object} are studied.",
    "{Concept} plays a key role in {setting}, yet its {measure} is poorly characterised.",
    "Despite decades of work on {topic}, the link between {concept} and {measure} is still debated.",
    "{Object} are increasingly used to study {concept}.",
]
GAP = [
    "However, existing approaches rarely account for {concept2}, which limits their {measure}.",
    "Most prior studies rely on {adj} assumptions about {object}.",
    "Little is known about how {concept} behaves under {setting}.",
    "Current methods scale poorly and offer limited {measure}.",
    "The evidence so far comes mainly from small samples of {object}.",
]
CONTRIBUTION = [
    "Here we introduce {a_adj} framework that couples {concept} with {method}.",
    "In this work, we study {concept} in {n} {object} using {method}.",
    "We present {a_adj} analysis of {topic} based on {method}.",
    "This paper proposes {a_adj} approach to estimate the {measure} of {object}.",
    "We combine {method} and {method2} to characterise {concept}.",
]
METHOD = [
    "Our approach combines {method} with {method2} and is validated on {n} independent {object}.",
    "We derive {adj} bounds on {measure} and test them in {setting}.",
    "Data were collected from {n} {object} between {year0} and {year1}.",
    "The model accounts explicitly for {concept2} and {setting}.",
    "We benchmark the approach against {baseline} on {n} {object}.",
]
RESULTS = [
    "The proposed method improves {measure} by {pct}% relative to {baseline}.",
    "We find that {concept} is strongly associated with {concept2} (r = 0.{dd}).",
    "Results show {a_pct}% reduction in error compared with standard {method2}.",
    "Across all {object}, {concept} explained {pct}% of the variance in {measure}.",
    "{Concept} increased {measure} in {pct}% of cases, particularly under {setting}.",
    "The effect persisted after adjusting for {concept2}.",
]
CONCLUSION = [
    "These findings suggest that {concept} should be considered when designing {setting}.",
    "Our results open new directions for {topic} and related problems in {subfield}.",
    "The code and data are publicly available.",
    "Overall, the study highlights the importance of {measure} for {concept2}.",
    "We discuss limitations and implications for future work on {concept}.",
]

# Low-effort texts used for a burst of thin preprints.
THIN_TITLES = [
    "A note on {concept}",
    "Some remarks on {topic} (part {k})",
    "A novel {method} framework for {concept} {k}",
    "Further results on {concept} and {concept2} {k}",
    "An improved approach to {concept}: version {k}",
]
THIN_ABSTRACT = [
    "In this paper we discuss {concept}.",
    "We propose a new idea for {concept} based on {method}.",
    "The results are promising.",
    "Further work is needed.",
    "This is an extension of our previous work on {topic}.",
]

# Tortured phrases: a phrase substituted for a standard term, and the term it garbles.
TORTURED_PHRASES = [
    ("counterfeit consciousness", "artificial intelligence"),
    ("profound learning", "deep learning"),
    ("irregular woodland", "random forest"),
    ("colossal information", "big data"),
    ("bosom peril", "breast cancer"),
    ("flag to commotion proportion", "signal-to-noise ratio"),
]
TORTURED_SENTENCES = [
    "This investigation utilises counterfeit consciousness and profound learning strategies to break down {object}.",
    "The irregular woodland classifier accomplished a precision of {pct}% on colossal information.",
    "The flag to commotion proportion was improved by the proposed profound learning engineering.",
    "Counterfeit consciousness is broadly utilised for bosom peril expectation in {setting}.",
]

# Markup that later stages must display as text, never interpret.
MARKUP_KINDS = ["script", "latex", "math", "entity"]
