"""The domain and storage: models, rules, every transition, queries, seed."""
