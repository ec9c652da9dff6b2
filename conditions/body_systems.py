"""Plain names for the HPO's organ-system branches (the terms right under HP:0000118
"Phenotypic abnormality"), so every body system a page groups features under reads in everyday
words. The import gives a system one only where its plain name is blank: staff text always wins.
"""

PLAIN_NAMES = {
    "HP:0000119": "Kidneys, urine and sexual organs",  # Abnormality of the genitourinary system
    "HP:0000152": "Head, face and neck",  # Abnormality of head or neck
    "HP:0000478": "Eyes and vision",  # Abnormality of the eye
    "HP:0000598": "Ears and hearing",  # Abnormality of the ear
    "HP:0000707": "Nerves and brain",  # Abnormality of the nervous system
    "HP:0000769": "Breasts",  # Abnormality of the breast
    "HP:0000818": "Hormones and glands",  # Abnormality of the endocrine system
    "HP:0001197": "Before and around birth",  # Abnormality of prenatal development or birth
    "HP:0001507": "Growth and body size",  # Growth abnormality
    "HP:0001574": "Skin, hair and nails",  # Abnormality of the integument
    "HP:0001608": "Voice",  # Abnormality of the voice
    "HP:0001626": "Heart and blood vessels",  # Abnormality of the cardiovascular system
    "HP:0001871": "Blood and bleeding",  # Abnormality of blood and blood-forming tissues
    "HP:0001939": "Body chemistry and fluid balance",  # Abnormality of metabolism/homeostasis
    "HP:0002086": "Lungs, breathing and voice",  # Abnormality of the respiratory system
    "HP:0002664": "Growths and tumours",  # Neoplasm
    "HP:0002715": "Immune system, lymph nodes and infections",  # Abnormality of the immune system
    "HP:0025031": "Mouth, stomach, bowel, liver and spleen",  # Abnormality of the digestive system
    "HP:0025142": "Whole-body symptoms",  # Constitutional symptom
    "HP:0025354": "Cells (seen under a microscope)",  # Abnormal cellular phenotype
    "HP:0033127": "Bones, joints and muscles",  # Abnormality of the musculoskeletal system
    "HP:0040064": "Arms, legs, hands and feet",  # Abnormality of limbs
    "HP:0045027": "Chest cavity",  # Abnormality of the thoracic cavity
}
