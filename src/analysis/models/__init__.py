"""The models layer: growth of the online rate, difference-in-differences, interrupted
time series, power, the panel simulator, discount scenarios and comparability verdicts.
Imports the data layer only."""
