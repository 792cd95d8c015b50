#!/usr/bin/env python3
"""Reference data for logitkit's calibration, uncertainty and loss tests.

Deterministic (fixed split and solver, no randomness left): run it from the
repository root with a Python that has numpy, scipy, scikit-learn, mpmath and
netcal (all on PyPI):

    python tests/data/calibration/gen.py

Writes, next to this script:

* ``digits_logits.txt``: held-out logits of a multinomial logistic regression
  (C = 1000, little regularization: over-confident, as Guo et al. describe)
  trained on 20 % of scikit-learn's digits, evaluated on the other 80 %
  (1438 rows). One row per line: ``label z0 .. z9``; the logits are float32
  values written in their shortest round-trip form. Every reference below is
  computed from exactly these values (float32 widened to float64), so the
  f32 and the f64 tests see the same inputs.
* ``binary_scores.txt``: ``label score`` per line: a linear SVM's decision
  values (float32) for "digit >= 5" on the same held-out images (Platt
  scaling's original use).
* ``row_metrics.txt``: per-row values for the first 200 rows, from mpmath at
  50 digits: entropy, max probability, top-2 margin, energy (T = 1),
  cross-entropy, cross-entropy with label smoothing 0.1.
* ``reference.txt``: ``key value`` lines (see the keys' comments).

Definitions (the crate's, documented in its docs):
* NLL = mean over rows of logsumexp(z) - z[label] (natural log).
* Brier = mean over rows of sum_k (p_k - onehot_k)^2 (Brier 1950; the
  multiclass definition of sklearn's brier_score_loss with
  scale_by_half=False, range [0, 2]).
* ECE = sum_b |correct_b - sum of confidences_b| / N with top-label
  confidences in B equal-width bins [i/B, (i+1)/B) (last bin closed):
  netcal's ECE(bins=B) (its default equal_intervals=True), which is Guo et
  al.'s formula. netcal's edges are numpy.linspace(0, 1, B + 1).
"""

import os
import sys

import mpmath as mp
import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import entr, logsumexp, softmax
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC

mp.mp.dps = 50
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = {}


def put(key, value, note=""):
    OUT[key] = (repr(float(value)), note)


# ---- data -------------------------------------------------------------------
X, y = load_digits(return_X_y=True)
X = X / 16.0
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.8, random_state=0, stratify=y)
model = LogisticRegression(C=1000.0, max_iter=50000).fit(Xtr, ytr)
Z32 = model.decision_function(Xte).astype(np.float32)
Z = Z32.astype(np.float64)
Y = yte.astype(np.int64)
N, K = Z.shape

svm = LinearSVC(C=1.0, max_iter=100000).fit(Xtr, ytr >= 5)
S32 = svm.decision_function(Xte).astype(np.float32)
S = S32.astype(np.float64)
YB = (yte >= 5).astype(np.int64)

with open(os.path.join(HERE, "digits_logits.txt"), "w") as f:
    f.write("# label z0..z9: held-out logits (float32), see gen.py\n")
    for lab, row in zip(Y, Z32):
        f.write(str(int(lab)) + " " + " ".join(str(v) for v in row) + "\n")
with open(os.path.join(HERE, "binary_scores.txt"), "w") as f:
    f.write("# label score: held-out linear-SVM decision values (float32), see gen.py\n")
    for lab, v in zip(YB, S32):
        f.write("%d %s\n" % (lab, str(v)))

ZM = [[mp.mpf(float(v)) for v in row] for row in Z]


# ---- exact (mpmath) helpers ------------------------------------------------------
def mp_lse(row, beta=mp.mpf(1)):
    m = max(row)
    return beta * m + mp.log(mp.fsum(mp.exp(beta * (v - m)) for v in row))


def mp_probs(row, beta=mp.mpf(1)):
    l = mp_lse(row, beta)
    return [mp.exp(beta * v - l) for v in row]


def mp_nll(beta):
    return mp.fsum(mp_lse(r, beta) - beta * r[c] for r, c in zip(ZM, Y)) / N


def mp_grad_curv(beta):
    """d NLL / d beta and d2 NLL / d beta2."""
    g, h = [], []
    for r, c in zip(ZM, Y):
        p = mp_probs(r, beta)
        mean = mp.fsum(pi * v for pi, v in zip(p, r))
        var = mp.fsum(pi * (v - mean) ** 2 for pi, v in zip(p, r))
        g.append(mean - r[c])
        h.append(var)
    return mp.fsum(g) / N, mp.fsum(h) / N


# ---- temperature ---------------------------------------------------------------
def np_nll(t):
    return np.mean(logsumexp(Z / t, axis=1) - Z[np.arange(N), Y] / t)


guess = minimize_scalar(np_nll, bounds=(0.05, 50.0), method="bounded", options={"xatol": 1e-10}).x
beta = mp.mpf(1) / mp.mpf(guess)
for _ in range(30):  # Newton on the exact gradient, 50 digits
    g, h = mp_grad_curv(beta)
    step = g / h
    beta -= step
    if abs(step) < mp.mpf(10) ** -40 * beta:
        break
g, h = mp_grad_curv(beta)
assert abs(g) < mp.mpf(10) ** -35, g
T_STAR = float(1 / beta)
put("temperature", T_STAR, "argmin_T NLL(softmax(z/T)), mpmath Newton at 50 digits")
put("temperature_scipy_bounded", guess, "scipy minimize_scalar(bounded, xatol 1e-10), for comparison")
put("nll_at_temperature", mp_nll(beta), "exact NLL at the optimal temperature")
put("beta_curvature", h, "d2 NLL / d beta2 at the optimum")


# ---- metrics ------------------------------------------------------------------
def ece_transparent(p, y, bins):
    """netcal's definition, written out: edges = linspace(0, 1, B + 1),
    bin = searchsorted(edges, conf, 'right') - 1, conf == 1 in the last bin."""
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    b = np.searchsorted(edges, conf, side="right") - 1
    b = np.minimum(b, bins - 1)
    rows = []
    total = 0.0
    mce = 0.0
    for i in range(bins):
        sel = b == i
        n = int(sel.sum())
        if n == 0:
            rows.append((0, 0.0, 0.0))
            continue
        acc = correct[sel].mean()
        cf = conf[sel].mean()
        total += abs(correct[sel].sum() - conf[sel].sum())
        mce = max(mce, abs(acc - cf))
        rows.append((n, acc, cf))
    # distance of the nearest confidence to an inner edge (bin flips in f32)
    inner = edges[1:-1]
    gap = np.min(np.abs(conf[:, None] - inner[None, :]))
    return total / len(y), mce, rows, gap


try:
    from netcal.metrics import ECE, MCE

    HAVE_NETCAL = True
except Exception as e:  # pragma: no cover
    print("netcal unavailable:", e, file=sys.stderr)
    HAVE_NETCAL = False

for tag, t in (("t1", 1.0), ("tstar", T_STAR)):
    p = softmax(Z / t, axis=1)
    bt = mp.mpf(1) / mp.mpf(t)
    pm = [mp_probs(r, bt) for r in ZM]
    acc = float(np.mean(p.argmax(axis=1) == Y))
    put("accuracy_" + tag, acc)
    put("nll_" + tag, mp_nll(bt), "exact mean NLL (mpmath)")
    put("sklearn_log_loss_" + tag, log_loss(Y, p, labels=list(range(K))), "sklearn log_loss on softmax in f64")
    brier = mp.fsum(mp.fsum((pk - (1 if k == c else 0)) ** 2 for k, pk in enumerate(pr)) for pr, c in zip(pm, Y)) / N
    put("brier_" + tag, brier, "exact multiclass Brier (sum over classes), mpmath")
    put("sklearn_brier_" + tag, brier_score_loss(Y, p, labels=list(range(K)), scale_by_half=False),
        "sklearn brier_score_loss multiclass, scale_by_half=False")
    for bins in (10, 15):
        e, m, rows, gap = ece_transparent(p, Y, bins)
        put("ece%d_%s" % (bins, tag), e, "transparent implementation of netcal's ECE")
        put("mce%d_%s" % (bins, tag), m)
        put("edge_gap%d_%s" % (bins, tag), gap, "smallest |confidence - inner bin edge|")
        if HAVE_NETCAL:
            ne = ECE(bins=bins).measure(p, Y)
            nm = MCE(bins=bins).measure(p, Y)
            put("netcal_ece%d_%s" % (bins, tag), ne, "netcal.metrics.ECE(bins).measure(softmax, labels)")
            put("netcal_mce%d_%s" % (bins, tag), nm)
            assert abs(ne - e) <= 1e-15 * max(e, 1e-300) * 10, (ne, e)
            assert abs(nm - m) <= 1e-14, (nm, m)
        if bins == 15:
            for i, (n, a, c) in enumerate(rows):
                OUT["reliability15_%s_%02d" % (tag, i)] = ("%d %r %r" % (n, float(a), float(c)), "count accuracy confidence")

# ---- uncertainty and losses, per row (mpmath) ------------------------------------
ent, ent_scipy, pmax, margin, energy, ce, ces = [], [], [], [], [], [], []
p1 = softmax(Z, axis=1)
for r, c, pr64 in zip(ZM, Y, p1):
    p = mp_probs(r)
    l = mp_lse(r)
    ent.append(mp.fsum(pi * (l - v) for pi, v in zip(p, r)))
    ent_scipy.append(entr(pr64).sum())
    s = sorted(p, reverse=True)
    pmax.append(s[0])
    margin.append(s[0] - s[1])
    energy.append(-l)
    ce.append(l - r[c])
    eps = mp.mpf("0.1")
    ces.append((1 - eps) * (l - r[c]) + eps * mp.fsum(l - v for v in r) / K)
put("mean_entropy", mp.fsum(ent) / N, "mean over rows of the softmax entropy (nats), mpmath")
put("mean_entropy_scipy_entr", np.mean(ent_scipy), "same with scipy.special.entr(softmax(z)).sum(1)")
rel = [abs(float(a) - b) / float(a) for a, b in zip(ent, ent_scipy)]
put("max_rel_dev_scipy_entr", max(rel), "largest per-row relative deviation of the entr-based entropy from mpmath")
put("mean_max_probability", mp.fsum(pmax) / N)
put("mean_top2_margin", mp.fsum(margin) / N)
put("mean_energy", mp.fsum(energy) / N, "energy -logsumexp(z), T = 1")
put("mean_cross_entropy", mp.fsum(ce) / N, "= nll_t1")
put("mean_cross_entropy_smoothed", mp.fsum(ces) / N, "label smoothing 0.1")
with open(os.path.join(HERE, "row_metrics.txt"), "w") as f:
    f.write("# first 200 rows of digits_logits.txt, mpmath 50 digits:\n")
    f.write("# entropy max_probability top2_margin energy cross_entropy cross_entropy_smoothed_0.1\n")
    for i in range(200):
        f.write(" ".join("%.17e" % float(v[i]) for v in (ent, pmax, margin, energy, ce, ces)) + "\n")

# ---- binary: Platt scaling and BCE -------------------------------------------------
SM = [mp.mpf(float(v)) for v in S]


def softplus(u):
    return mp.log1p(mp.exp(-abs(u))) + (u if u > 0 else 0)


def platt_fit(targets):
    # scipy start, then 2-D Newton in mpmath
    def f(ab):
        u = ab[0] * S + ab[1]
        return np.sum(np.logaddexp(0, u) - targets * u)
    a, b = minimize(f, [1.0, 0.0], method="BFGS", options={"gtol": 1e-10}).x
    a, b = mp.mpf(a), mp.mpf(b)
    tm = [mp.mpf(float(t)) for t in targets]
    for _ in range(50):
        g0 = g1 = h00 = h01 = h11 = mp.mpf(0)
        for x, t in zip(SM, tm):
            s = 1 / (1 + mp.exp(-(a * x + b)))
            r = s - t
            w = s * (1 - s)
            g0 += r * x
            g1 += r
            h00 += w * x * x
            h01 += w * x
            h11 += w
        det = h00 * h11 - h01 * h01
        da = (h11 * g0 - h01 * g1) / det
        db = (h00 * g1 - h01 * g0) / det
        a -= da
        b -= db
        if abs(da) + abs(db) < mp.mpf(10) ** -40:
            break
    assert abs(g0) + abs(g1) < mp.mpf(10) ** -30
    nll = mp.fsum(softplus(a * x + b) - t * (a * x + b) for x, t in zip(SM, tm)) / len(SM)
    return a, b, nll


a, b, nll = platt_fit(YB.astype(np.float64))
put("platt_a", a, "argmin mean BCE(sigmoid(a s + b), label), mpmath Newton")
put("platt_b", b)
put("platt_nll", nll)
npos = YB.sum()
nneg = len(YB) - npos
tp = np.where(YB == 1, (npos + 1.0) / (npos + 2.0), 1.0 / (nneg + 2.0))
a, b, nll = platt_fit(tp)
put("platt_smoothed_a", a, "same with Platt's targets (N+ + 1)/(N+ + 2), 1/(N- + 2)")
put("platt_smoothed_b", b)
try:  # sklearn's Platt (lbfgs, its own tolerance): P = 1 / (1 + exp(A s + B))
    from sklearn.calibration import _sigmoid_calibration

    A, B = _sigmoid_calibration(S, YB)
    put("sklearn_platt_a", -A, "sklearn _sigmoid_calibration, sign flipped (smoothed targets)")
    put("sklearn_platt_b", -B)
except Exception as e:  # pragma: no cover
    print("sklearn _sigmoid_calibration unavailable:", e, file=sys.stderr)
put("binary_accuracy", np.mean((S > 0) == (YB == 1)))
put("binary_max_negative", S[YB == 0].max())
put("binary_min_positive", S[YB == 1].min())
bce = mp.fsum(softplus(x) - int(t) * x for x, t in zip(SM, YB)) / len(SM)
put("bce_mean", bce, "mean BCE-with-logits of the raw scores vs labels, mpmath")
bcew = mp.fsum(2 * int(t) * softplus(-x) + (1 - int(t)) * softplus(x) for x, t in zip(SM, YB)) / len(SM)
put("bce_mean_pos_weight_2", bcew, "same with pos_weight 2")
put("sklearn_log_loss_binary", log_loss(YB, 1 / (1 + np.exp(-S))), "sklearn log_loss on sigmoid(s), f64")

with open(os.path.join(HERE, "reference.txt"), "w") as f:
    f.write("# key value  (gen.py; mpmath 50 digits unless noted)\n")
    for k, (v, note) in OUT.items():
        f.write("%s %s%s\n" % (k, v, ("  # " + note) if note else ""))
print("rows", N, "T*", T_STAR, "netcal", HAVE_NETCAL)
for k in ("ece15_t1", "ece15_tstar", "nll_t1", "nll_at_temperature", "platt_a", "platt_b", "binary_max_negative", "binary_min_positive"):
    print(k, OUT[k][0])
