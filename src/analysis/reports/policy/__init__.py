"""The fee-policies report (notebooks/07_fee_policies_across_provinces.ipynb): the policy
timeline, the synthetic control for one province, the staggered DiD for every policy
province, and what they do not show. ``report`` is the module the notebook calls."""
