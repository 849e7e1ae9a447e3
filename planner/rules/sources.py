"""Where each rule comes from: the two clinic articles in shared/seeds/ and published papers."""

# "How often should I do Pico Laser? 5 things you should know" (Clique Clinic).
SEED_HOW_OFTEN = "seeds/000_b9626d86760139c7.txt"
# "How Many Pico Laser Sessions Do You Need?".
SEED_HOW_MANY = "seeds/001_471068f08b0b3de9.txt"

KIRBY_DESAI = (
    "Kirby W, Desai A, Desai T, Kartono F, Geeta P. The Kirby-Desai Scale: a proposed scale to "
    "assess tattoo-removal treatments. J Clin Aesthet Dermatol. 2009;2(3):32-37. PMC2923953"
)
FITZPATRICK = (
    "Fitzpatrick TB. The validity and practicality of sun-reactive skin types I through VI. "
    "Arch Dermatol. 1988;124(6):869-871"
)
CHRYSIASIS = (
    "Trotter MJ, Tron VA, Hollingdale J, Rivers JK. Localized chrysiasis induced by laser "
    "therapy. Arch Dermatol. 1995;131(12):1411-1414"
)
ISOTRETINOIN = (
    "Spring LK, Krakowski AC, Alam M, et al. Isotretinoin and timing of procedural "
    "interventions: a systematic review with consensus recommendations. JAMA Dermatol. "
    "2017;153(8):802-809"
)
HERPES = (
    "Alster TS, Nanni CA. Famciclovir prophylaxis of herpes simplex virus reactivation after "
    "laser skin resurfacing. Dermatol Surg. 1999;25(3):242-246"
)
# Items of the screening list that neither seed nor a reference above covers: they are the
# clinic's own pre-laser screening standard, and say so rather than borrow a citation.
CLINIC_SCREENING = "Clinic screening policy (standard pre-laser contraindications)"
CLINIC_POLICY = "Clinic planning policy"
