"""Stage 4, analysis: result tables keyed like the inputs, binding limits, prices, explain,
diagnosis of infeasible scenarios, equity and comparison of two runs."""
