"""The reports layer: the one plotting module, typed notebook parameters and the code
behind each report notebook. Imports the models and data layers."""
