"""Measured by benchmarks/bench_calibration.py (written by it: do not edit by hand).

Each row is one simulated design: size at the nominal level, coverage, power and median
interval width of the DiD effect test by route, and size of the pre-period tests.
"""

COMMAND = 'python benchmarks/bench_calibration.py --only 0 1 --scale 0.04 --n-width 10 --workers 2'
ELAPSED_S = 53
EFFECT_LOGIT = 0.2

DESIGNS = [{'name': 'issue: 9 of 30, lognormal 0.6, AR(1), national step',
  'n_procedures': 30,
  'n_discounted': 9,
  'spread': 0.6,
  'rho': 0.5,
  'national_step': True,
  'n_null': 20,
  'n_effect': 20,
  'did': {'bootstrap': {'size': 0.05, 'coverage': 0.95, 'power': 1.0, 'width_pp': 2.6294288783881417},
          'randomization': {'size': 0.05, 'coverage': 0.95, 'power': 1.0, 'width_pp': 2.535557444765593}},
  'bias_pp': 0.06554211255189842,
  'pretrend_linear': {'bootstrap': 0.0, 'randomization': 0.0},
  'pretrend_joint': {'bootstrap': 0.0, 'randomization': 0.1},
  'placebo': {'bootstrap': 0.025, 'randomization': 0.0},
  'its': {'size': 0.1, 'coverage': 0.8}},
 {'name': '3 of 30, lognormal 0.6, AR(1), national step',
  'n_procedures': 30,
  'n_discounted': 3,
  'spread': 0.6,
  'rho': 0.5,
  'national_step': True,
  'n_null': 20,
  'n_effect': 20,
  'did': {'bootstrap': {'size': 0.0, 'coverage': 1.0, 'power': 0.6, 'width_pp': 5.655160172575146},
          'randomization': {'size': 0.15, 'coverage': 0.95, 'power': 0.95, 'width_pp': 4.532033421589562}},
  'bias_pp': -0.1349567144881665,
  'pretrend_linear': {'bootstrap': 0.05, 'randomization': 0.0},
  'pretrend_joint': {'bootstrap': 0.0, 'randomization': 0.2},
  'placebo': {'bootstrap': 0.025, 'randomization': 0.025},
  'its': {'size': 0.0, 'coverage': 0.85}}]
