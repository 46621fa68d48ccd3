#!/usr/bin/env python3
# Reference numbers for unfold's optim tests, produced by PyTorch (Debian's python3-torch).
#
#   /usr/bin/python3 test/optim/reference/optim_reference.py > test/optim/reference/trajectories.json
#
# The tests read the committed JSON, so neither Python nor PyTorch is needed at test time.
# Options are written with unfold's camelCase names and translated to torch's keyword arguments
# here, so the JSON doubles as the list of cases the TypeScript tests replay.
#
# Problem: three parameters p0 [2, 3], p1 [4], p2 [2]. The loss is a scaled Rosenbrock function of
# the ten entries of p0 and p1 (row-major, p0 first):
#   f(x) = sum_{i<9} (1 - x_i)^2 + 10 (x_{i+1} - x_i^2)^2
# p2 is never in the loss, so its grad stays None and every optimizer must skip it.
# A case may also drop a parameter's grad on given steps ("skip": [[step, paramIndex], ...]).

import json
import math
import sys

import torch

torch.set_num_threads(1)

INIT = [
    [[-1.2, 1.0, 0.5], [0.3, -0.7, 1.4]],
    [0.9, -0.2, 1.1, -1.5],
    [0.25, -0.75],
]
STEPS = 6

TORCH_NAMES = {
    'weightDecay': 'weight_decay', 'lrDecay': 'lr_decay',
    'initialAccumulatorValue': 'initial_accumulator_value',
}
CLASSES = {
    'SGD': torch.optim.SGD, 'Adam': torch.optim.Adam, 'AdamW': torch.optim.AdamW,
    'RMSprop': torch.optim.RMSprop, 'Adagrad': torch.optim.Adagrad,
}


def torch_kwargs(options):
    out = {}
    for k, v in options.items():
        if k == 'params':
            continue
        out[TORCH_NAMES.get(k, k)] = tuple(v) if k == 'betas' else v
    return out


def loss_fn(p0, p1):
    x = torch.cat([p0.reshape(-1), p1])
    return ((1 - x[:-1]) ** 2 + 10 * (x[1:] - x[:-1] ** 2) ** 2).sum()


def run_case(case):
    dtype = torch.float64 if case['dtype'] == 'float64' else torch.float32
    params = [torch.tensor(v, dtype=dtype, requires_grad=True) for v in INIT]
    if 'groups' in case:
        groups = [dict(torch_kwargs(g), params=[params[i] for i in g['params']]) for g in case['groups']]
    else:
        groups = params
    opt = CLASSES[case['optimizer']](groups, foreach=False, **torch_kwargs(case['options']))
    skip = {(s, i) for s, i in case.get('skip', [])}
    trajectory = []
    for step in range(STEPS):
        opt.zero_grad(set_to_none=True)
        loss_fn(params[0], params[1]).backward()
        for i, p in enumerate(params):
            if (step, i) in skip:
                p.grad = None
        opt.step()
        trajectory.append([p.detach().reshape(-1).tolist() for p in params])
    return dict(case, trajectory=trajectory)


def optimizer_cases():
    cases = []

    def add(name, optimizer, options, dtype='float64', **more):
        cases.append(dict(name=name, optimizer=optimizer, options=options, dtype=dtype, **more))

    add('sgd plain', 'SGD', {'lr': 0.01})
    add('sgd momentum', 'SGD', {'lr': 0.01, 'momentum': 0.9})
    add('sgd momentum dampening weight decay', 'SGD', {'lr': 0.01, 'momentum': 0.9, 'dampening': 0.1, 'weightDecay': 0.01})
    add('sgd nesterov weight decay', 'SGD', {'lr': 0.01, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.05})
    add('sgd maximize', 'SGD', {'lr': 0.001, 'momentum': 0.5, 'maximize': True})
    add('sgd nesterov skip', 'SGD', {'lr': 0.01, 'momentum': 0.8, 'nesterov': True}, skip=[[0, 1], [3, 0]])
    add('adam default', 'Adam', {'lr': 0.01})
    add('adam amsgrad', 'Adam', {'lr': 0.05, 'amsgrad': True})
    add('adam betas eps weight decay', 'Adam', {'lr': 0.02, 'betas': [0.8, 0.95], 'eps': 1e-6, 'weightDecay': 0.1})
    add('adam amsgrad weight decay', 'Adam', {'lr': 0.05, 'betas': [0.9, 0.6], 'amsgrad': True, 'weightDecay': 0.05})
    add('adam maximize', 'Adam', {'lr': 0.01, 'maximize': True})
    add('adam groups skip', 'Adam', {'lr': 0.01},
        groups=[{'params': [0], 'lr': 0.03, 'betas': [0.5, 0.9]}, {'params': [1, 2]}], skip=[[0, 1], [2, 0], [3, 1]])
    add('adamw default', 'AdamW', {'lr': 0.01})
    add('adamw amsgrad weight decay', 'AdamW', {'lr': 0.05, 'betas': [0.9, 0.6], 'amsgrad': True, 'weightDecay': 0.3})
    add('rmsprop default', 'RMSprop', {'lr': 0.01})
    add('rmsprop centered', 'RMSprop', {'lr': 0.01, 'centered': True})
    add('rmsprop momentum', 'RMSprop', {'lr': 0.005, 'momentum': 0.9})
    add('rmsprop centered momentum weight decay', 'RMSprop',
        {'lr': 0.005, 'alpha': 0.9, 'eps': 1e-6, 'momentum': 0.7, 'centered': True, 'weightDecay': 0.05})
    add('adagrad default', 'Adagrad', {'lr': 0.1})
    add('adagrad lr decay weight decay accumulator', 'Adagrad',
        {'lr': 0.1, 'lrDecay': 0.1, 'weightDecay': 0.05, 'initialAccumulatorValue': 0.1, 'eps': 1e-6})
    add('adagrad skip', 'Adagrad', {'lr': 0.1, 'lrDecay': 0.5}, skip=[[1, 0], [2, 1]])
    # float32: torch rounds after every operation, unfold once per stored value, so the tests allow
    # a float32-sized tolerance here.
    add('sgd nesterov float32', 'SGD', {'lr': 0.01, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 0.05}, dtype='float32')
    add('adam amsgrad float32', 'Adam', {'lr': 0.05, 'amsgrad': True, 'weightDecay': 0.01}, dtype='float32')
    add('adamw float32', 'AdamW', {'lr': 0.01}, dtype='float32')
    add('rmsprop centered momentum float32', 'RMSprop', {'lr': 0.005, 'momentum': 0.7, 'centered': True}, dtype='float32')
    add('adagrad float32', 'Adagrad', {'lr': 0.1, 'lrDecay': 0.1}, dtype='float32')
    return [run_case(c) for c in cases]


CLIP_GRADS = [[3.0, -4.0, 0.5, 2.0], [[-1.5, 0.25], [6.0, -0.125]], [0.0, 7.5]]


def clip_cases():
    out = []
    for norm_type in [2.0, 1.0, 3.0, math.inf]:
        for max_norm in [1.0, 100.0]:
            ps = [torch.zeros(torch.tensor(g).shape, dtype=torch.float64, requires_grad=True) for g in CLIP_GRADS]
            for p, g in zip(ps, CLIP_GRADS):
                p.grad = torch.tensor(g, dtype=torch.float64)
            total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
            out.append({'normType': 'Infinity' if norm_type == math.inf else norm_type, 'maxNorm': max_norm,
                        'totalNorm': total.item(), 'grads': [p.grad.reshape(-1).tolist() for p in ps]})
    ps = [torch.zeros(torch.tensor(g).shape, dtype=torch.float64, requires_grad=True) for g in CLIP_GRADS]
    for p, g in zip(ps, CLIP_GRADS):
        p.grad = torch.tensor(g, dtype=torch.float64)
    torch.nn.utils.clip_grad_value_(ps, 2.0)
    return {'grads': CLIP_GRADS, 'norm': out,
            'value': {'clipValue': 2.0, 'grads': [p.grad.reshape(-1).tolist() for p in ps]}}


def lr_sequence(make, steps):
    p = torch.zeros(1, requires_grad=True)
    q = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([{'params': [p], 'lr': 0.1}, {'params': [q], 'lr': 0.02}], lr=0.1)
    sched = make(opt)
    seq = [list(sched.get_last_lr())]
    for _ in range(steps):
        opt.step()
        sched.step()
        seq.append(list(sched.get_last_lr()))
    return seq


def scheduler_cases():
    S = torch.optim.lr_scheduler
    W, T, MIN = 4, 12, 0.001
    return [
        {'name': 'StepLR', 'options': {'stepSize': 3, 'gamma': 0.5},
         'lrs': lr_sequence(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10)},
        {'name': 'CosineAnnealingLR', 'options': {'tMax': 10, 'etaMin': 0.001},
         'lrs': lr_sequence(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 15)},
        {'name': 'LambdaLR', 'options': {'lambda': '0.95 ** epoch'},
         'lrs': lr_sequence(lambda o: S.LambdaLR(o, lambda e: 0.95 ** e), 10)},
        # LinearWarmup(W) is torch's LinearLR(start_factor=1/W, total_iters=W-1).
        {'name': 'LinearWarmup', 'options': {'warmupSteps': W},
         'lrs': lr_sequence(lambda o: S.LinearLR(o, start_factor=1 / W, end_factor=1.0, total_iters=W - 1), 8)},
        # WarmupCosine is LinearWarmup for W steps, then cosine annealing over T - W steps (compared up to T).
        {'name': 'WarmupCosine', 'options': {'warmupSteps': W, 'totalSteps': T, 'minLr': MIN},
         'lrs': lr_sequence(lambda o: S.SequentialLR(o, [
             S.LinearLR(o, start_factor=1 / W, end_factor=1.0, total_iters=W - 1),
             S.CosineAnnealingLR(o, T_max=T - W, eta_min=MIN)], milestones=[W]), T)},
    ]


if __name__ == '__main__':
    import warnings
    warnings.simplefilter('ignore')
    json.dump({
        'torch': torch.__version__,
        'init': INIT,
        'steps': STEPS,
        'optimizers': optimizer_cases(),
        'clip': clip_cases(),
        'schedulers': scheduler_cases(),
    }, sys.stdout, indent=1)
    sys.stdout.write('\n')
