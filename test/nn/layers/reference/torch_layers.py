#!/usr/bin/env python3
# Reference numbers for unfold's recurrent layers, produced by PyTorch (Debian's python3-torch).
#
#   /usr/bin/python3 test/nn/layers/reference/torch_layers.py > test/nn/layers/reference/torch_layers.json
#
# The tests read the committed JSON, so neither Python nor PyTorch is needed at test time.
# For torch.nn.RNN (tanh and relu), LSTM and GRU with 2 layers, bidirectional, time-major, in
# float64, every parameter is set by an integer formula shared with test/helpers/reference_rnn.ts:
#   parameter p (state_dict order), flat entry k:  (((7k + 13p) mod 17) - 8) / 20
#   input x [T, B, I], entry k:                    (((5k + 3) mod 11) - 5) / 5
#   initial state j (h0, c0) [L*D, B, H], entry k:  (((3k + 5j + 1) mod 9) - 4) / 8
#   R [T, B, D*H], entry k:                         (((3k + 1) mod 7) - 3) / 3
# and we record the output, the final states, and the gradients of sum(output * R) with respect
# to the input, the initial states and every parameter (all flattened row-major).

import json
import sys

import torch

torch.set_num_threads(1)

T, B, I, H, LAYERS = 5, 2, 3, 4, 2
D = 2


def param_value(p, k):
    return (((k * 7 + p * 13) % 17) - 8) / 20


def input_value(k):
    return (((k * 5 + 3) % 11) - 5) / 5


def state_value(j, k):
    return (((k * 3 + j * 5 + 1) % 9) - 4) / 8


def proj_value(k):
    return (((k * 3 + 1) % 7) - 3) / 3


def filled(shape, f):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([f(k) for k in range(n)], dtype=torch.float64).reshape(shape)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run(kind):
    common = dict(input_size=I, hidden_size=H, num_layers=LAYERS, bidirectional=True)
    if kind == 'lstm':
        m = torch.nn.LSTM(**common)
    elif kind == 'gru':
        m = torch.nn.GRU(**common)
    else:
        m = torch.nn.RNN(nonlinearity='relu' if kind == 'rnn_relu' else 'tanh', **common)
    m = m.double()
    with torch.no_grad():
        for p, (name, param) in enumerate(m.named_parameters()):
            param.copy_(filled(param.shape, lambda k: param_value(p, k)))
    x = filled([T, B, I], input_value).requires_grad_(True)
    carry = 2 if kind == 'lstm' else 1
    init = [filled([LAYERS * D, B, H], lambda k, j=j: state_value(j, k)).requires_grad_(True) for j in range(carry)]
    out, state = m(x, (init[0], init[1]) if kind == 'lstm' else init[0])
    finals = list(state) if kind == 'lstm' else [state]
    R = filled([T, B, D * H], proj_value)
    (out * R).sum().backward()
    return {
        'kind': kind,
        'output': flat(out),
        'finals': [flat(s) for s in finals],
        'gradInput': flat(x.grad),
        'gradInit': [flat(s.grad) for s in init],
        'gradParams': {name: flat(param.grad) for name, param in m.named_parameters()},
    }


def main():
    ref = {
        'torch': torch.__version__,
        'T': T, 'B': B, 'inputSize': I, 'hiddenSize': H, 'numLayers': LAYERS, 'bidirectional': True,
        'cases': [run(kind) for kind in ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']],
    }
    json.dump(ref, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
