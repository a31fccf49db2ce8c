// Small embedded word lists for the demo organization. A few names carry diacritics,
// apostrophes or hyphens on purpose: they exercise CSV quoting and email slugging.

export const FIRST_NAMES = [
  "Ana", "Aarav", "Abigail", "Adrian", "Aisha", "Akira", "Alejandro", "Alice", "Amara", "Amir",
  "Andrea", "Anika", "Arjun", "Astrid", "Ben", "Bianca", "Bo", "Camila", "Carlos", "Chen",
  "Chloe", "Daniel", "Daria", "David", "Diego", "Dmitri", "Elena", "Eli", "Emma", "Emeka",
  "Erik", "Fatima", "Felix", "Freya", "Gabriel", "Grace", "Hana", "Hannah", "Hiroshi", "Ibrahim",
  "Ines", "Isaac", "Ivan", "Jana", "Javier", "Jin", "Jonas", "José", "Julia", "Kai",
  "Karim", "Kenji", "Lara", "Leila", "Leo", "Liam", "Lin", "Lucas", "Lucía", "Maya",
  "Mateo", "Mei", "Mia", "Mohammed", "Nadia", "Naveen", "Nia", "Noah", "Nora", "Oliver",
  "Omar", "Pablo", "Priya", "Quinn", "Rahul", "Ravi", "Rosa", "Sakura", "Samir", "Sara",
  "Sofia", "Sven", "Tariq", "Thomas", "Tomás", "Uma", "Valentina", "Victor", "Wei", "Yara",
  "Yusuf", "Zara", "Zoë", "Ada", "Björn", "Chiara", "Farid", "Greta", "Hugo", "Jae-won",
] as const;

export const LAST_NAMES = [
  "Smith", "Garcia", "Müller", "Nguyen", "Kim", "Patel", "Rossi", "Silva", "Cohen", "O'Brien",
  "Johansson", "Kowalski", "Okafor", "Tanaka", "Ivanova", "Dubois", "Hernández", "Singh", "Chen", "Yamamoto",
  "Andersen", "Bianchi", "Costa", "Da Silva", "Eriksson", "Fischer", "Gonzalez", "Haddad", "Ibrahim", "Jensen",
  "Khan", "Lopez", "Martin", "Novak", "Ortiz", "Park", "Quispe", "Reyes", "Schmidt", "Takahashi",
  "Usman", "Van Dijk", "Wagner", "Xu", "Yilmaz", "Zhang", "Abbott", "Baker", "Carter", "Diaz",
  "Evans", "Ferreira", "Gupta", "Hoffmann", "Ito", "Jovanović", "Kaur", "Larsen", "Moreau", "Nakamura",
  "Olsen", "Petrov", "Qureshi", "Romero", "Sato", "Torres", "Ueda", "Vargas", "Weber", "Yadav",
  "Zimmermann", "Adeyemi", "Brennan", "Castillo", "Dimitrov", "Endo", "Fontaine", "Grant", "Horvat", "Iyer",
  "Jiménez", "Kuznetsov", "Lindqvist", "Mendes", "Nowak", "O'Connor", "Pereira", "Ramos", "Sharma", "Thompson",
  "Lefèvre", "Wright", "Young", "Zhou", "Ali", "Bauer", "Chowdhury", "Das", "Mbeki", "Hughes-Lee",
] as const;

export const TEAM_WORDS = [
  "vision", "nlp", "speech", "recsys", "robotics", "ranking", "forecasting", "genai", "safety", "infra",
  "platform", "research", "applied-ml", "search", "ads", "perception", "mlops", "data-science", "fraud", "health",
] as const;

export const TEAM_SUFFIXES = ["", "-emea", "-apac", "-us", "-labs"] as const;

export const PROJECT_WORDS = [
  "resnet-baseline", "llm-finetune", "bert-ner", "detr-detection", "whisper-asr", "tabular-gbm", "clip-retrieval",
  "diffusion-xl", "rlhf-reward", "two-tower", "time-series-tft", "segmentation-unet", "distillation",
  "eval-harness", "tokenizer-v2", "ctr-model", "anomaly-detection", "pose-estimation", "qa-rag", "mixtral-sft",
] as const;

export const ARTIFACT_WORDS = [
  "train-data", "val-data", "model", "checkpoint", "eval-results", "tokenizer", "embeddings", "predictions",
] as const;

export const REPORT_TITLES = [
  "Weekly metrics review", "Ablation study", "Launch readiness", "Hyperparameter sweep results",
  "Model card", "Quarterly research update", "Regression triage", "Data quality audit",
] as const;

/** wandb SDK versions, oldest first: users upgrade over time. */
export const CLI_VERSIONS = [
  "0.15.12", "0.16.0", "0.16.3", "0.16.6", "0.17.0", "0.17.4", "0.17.8", "0.18.0", "0.18.3", "0.18.7",
  "0.19.1", "0.19.6", "0.19.11", "0.20.1", "0.21.0", "0.21.3",
] as const;
