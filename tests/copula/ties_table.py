#!/usr/bin/python3
"""How much ties shrink the rank correlation riskcast's Gaussian copula achieves (docs/language.md,
"Correlations", the table under "Ties shrink rank correlations").

For each pair of marginals and each ρ_S written: the sample Spearman coefficient (mid-ranks) of
riskcast's draws at n = 2,000 and 200,000 (seed 1), and the population value, the correlation of
the mid-distribution transforms computed from bivariate normal probabilities. Run from the
repository root after `make build`:

    /usr/bin/python3 tests/copula/ties_table.py [build/python]
"""
import math
import sys

sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else 'build/python')
import numpy as np  # noqa: E402
import riskcast  # noqa: E402
from scipy import stats  # noqa: E402

def cells(dist):
    """(values, cumulative probabilities) of a discrete law; None for continuous."""
    if dist.startswith('bernoulli'):
        p = float(dist[10:-1]); return [0, 1], [1 - p, 1]
    if dist.startswith('binomial'):
        n, p = [float(x) for x in dist[9:-1].split(',')]
        k = np.arange(int(n) + 1); return list(k), list(stats.binom.cdf(k, int(n), p))
    return None

def population(da, db, rho_s):
    r = 2 * math.sin(math.pi * rho_s / 6)
    ca, cb = cells(da), cells(db)
    def mid(c):
        v, F = c; prev = [0] + F[:-1]
        return [(a + b) / 2 for a, b in zip(prev, F)], [stats.norm.ppf(min(f, 1 - 1e-16)) if f < 1 else np.inf for f in F]
    bvn = lambda x, y, rr: stats.multivariate_normal([0, 0], [[1, rr], [rr, 1]]).cdf([max(min(x, 40), -40), max(min(y, 40), -40)])
    if ca is None:  # continuous a: G(a) = Φ(Z1) uniform, mean 1/2, var 1/12
        H, cut = mid(cb); prob = np.diff([0] + cb[1])
        # E[Φ(Z1) 1{Z2 ≤ c}] = P(W − Z1 ≤ 0, Z2 ≤ c), corr(W − Z1, Z2) = −r/√2
        e_le = [bvn(0, c, -r / math.sqrt(2)) for c in cut]
        e_cell = np.diff([0] + e_le)
        eH = sum(h * p for h, p in zip(H, prob)); vH = sum(h * h * p for h, p in zip(H, prob)) - eH ** 2
        cov = sum(h * e for h, e in zip(H, e_cell)) - 0.5 * eH
        return cov / math.sqrt(vH / 12)
    Ha, cuta = mid(ca); Hb, cutb = mid(cb)
    pa = np.diff([0] + ca[1]); pb = np.diff([0] + cb[1])
    F = np.array([[bvn(x, y, r) if np.isfinite(x) and np.isfinite(y) else (stats.norm.cdf(x) if np.isfinite(x) else (stats.norm.cdf(y) if np.isfinite(y) else 1)) for y in cutb] for x in cuta])
    F = np.pad(F, ((1, 0), (1, 0)))
    P = np.diff(np.diff(F, axis=0), axis=1)
    ea = sum(h * p for h, p in zip(Ha, pa)); va = sum(h * h * p for h, p in zip(Ha, pa)) - ea ** 2
    eb = sum(h * p for h, p in zip(Hb, pb)); vb = sum(h * h * p for h, p in zip(Hb, pb)) - eb ** 2
    cov = sum(Ha[i] * Hb[j] * P[i, j] for i in range(len(Ha)) for j in range(len(Hb))) - ea * eb
    return cov / math.sqrt(va * vb)

cases = [('normal(0, 1)', 'bernoulli(0.05)'), ('normal(0, 1)', 'bernoulli(0.5)'),
         ('normal(0, 1)', 'binomial(3, 0.5)'), ('binomial(3, 0.5)', 'binomial(3, 0.5)'),
         ('normal(0, 1)', 'binomial(10, 0.5)'), ('normal(0, 1)', 'binomial(100, 0.5)')]
for da, db in cases:
    for rho in [0.5, 0.9]:
        text = f'model: ties\nparameters:\n  a: "{da}"\n  b: "{db}"\ncorrelations:\n  - [a, b, {rho}]\noutputs:\n  s: a + b\n'
        m = riskcast.load_text(text, file='ties.yaml')
        out = []
        for n in (2000, 200000):
            r = m.run(samples=n, seed=1, columns=['a', 'b'], threads=2)
            a, b = np.array(r.samples('base', 'a')), np.array(r.samples('base', 'b'))
            out.append(stats.spearmanr(a, b).correlation)
        pop = population(da, db, rho)
        print(f'{da} ~ {db} at {rho}: n=2000 {out[0]:.3f}, n=200000 {out[1]:.4f}, population {pop:.4f}')
# A mixture with a point mass ties too (no population value computed here).
for rho in [0.5, 0.9]:
    text = (f'model: ties\nparameters:\n  a: "normal(0, 1)"\n  b: "mixture([0, normal(10, 1)], [0.3, 0.7])"\n'
            f'correlations:\n  - [a, b, {rho}]\noutputs:\n  s: a + b\n')
    r = riskcast.load_text(text, file='ties.yaml').run(samples=200000, seed=1, columns=['a', 'b'], threads=2)
    a, b = np.array(r.samples('base', 'a')), np.array(r.samples('base', 'b'))
    print(f'normal(0, 1) ~ mixture([0, normal(10, 1)], [0.3, 0.7]) at {rho}: n=200000 {stats.spearmanr(a, b).correlation:.4f}')
