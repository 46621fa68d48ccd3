"""unfold's character model in PyTorch, and unfold's checkpoint format read and written from Python.

Needs only torch. `unfold export pytorch` copies this file beside a checkpoint and train_ddp.py;
scripts/torch_charlm.py (the PyTorch side of the benchmarks and test fixtures) imports it too, so
there is one PyTorch definition of the model.

The checkpoint is a safetensors file: an 8-byte little-endian header length, a JSON header naming
each tensor's dtype, shape and byte range, then the raw little-endian data; its __metadata__ holds
`format: pt`, `unfold.model` (the class name and config), `unfold.vocabs` (the vocabularies by name)
and `unfold.step`. The format is read and written by hand here because Debian packages no
safetensors module for Python.
"""
import json, os, struct

import torch
import torch.nn as nn


class CharModel(nn.Module):
    """logits = head(dropout(rnn(embedding(ids)))), with unfold's parameter names."""

    def __init__(self, vocab_size, cell, hidden, layers, embedding, dropout):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding)
        rnn = {'lstm': nn.LSTM, 'gru': nn.GRU, 'rnn': nn.RNN}[cell]
        self.rnn = rnn(embedding, hidden, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, ids, state=None):
        out, state = self.rnn(self.embedding(ids), state)
        return self.head(self.drop(out)), state

    @staticmethod
    def from_config(c):
        """The model an unfold `train.CharModel` config describes."""
        return CharModel(c['vocabSize'], c.get('cell', 'lstm'), c['hiddenSize'], c.get('numLayers', 1), c['embeddingSize'], c.get('dropout', 0.0))


_DTYPES = {'F32': (torch.float32, 4), 'F64': (torch.float64, 8), 'F16': (torch.float16, 2), 'BF16': (torch.bfloat16, 2)}


def read_safetensors(path):
    """(tensors by name as float32, metadata) of a safetensors file."""
    with open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f'{path}: expected a safetensors file, got {len(raw)} bytes')
    n = struct.unpack('<Q', raw[:8])[0]
    if n > len(raw) - 8:
        raise ValueError(f'{path}: expected a header of at most {len(raw) - 8} bytes, got a length of {n}')
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    metadata = header.pop('__metadata__', {}) or {}
    data = raw[8 + n:]
    tensors = {}
    for name, h in header.items():
        if h['dtype'] not in _DTYPES:
            raise ValueError(f'{path}: tensor {name}: expected dtype F32, F64, F16 or BF16, got {h["dtype"]}')
        dtype, size = _DTYPES[h['dtype']]
        begin, end = h['data_offsets']
        count = 1
        for d in h['shape']:
            count *= d
        if end - begin != count * size or end > len(data):
            raise ValueError(f'{path}: tensor {name}: expected {count * size} bytes within the file, got [{begin}, {end})')
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if count else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(h['shape']).to(torch.float32)
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes float32 tensors and string metadata, atomically (temporary file, fsync, rename)."""
    header = {'__metadata__': metadata}
    offset, blobs = 0, []
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous().to(torch.float32)
        b = t.numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class CharVocab:
    """An unfold character vocabulary (`Vocab` with unit char, as `unfold train` builds it)."""

    def __init__(self, spec):
        if spec.get('type') != 'vocab' or spec.get('unit', 'char') != 'char':
            raise ValueError(f'expected a character vocabulary, got {json.dumps(spec)[:80]}')
        specials = spec.get('specials', [])
        self.symbols = list(specials) + list(spec['symbols'])
        self.index = {s: i for i, s in enumerate(spec['symbols'], start=len(specials))}
        # unknown 'last': the placeholder id follows the symbols; otherwise unknown characters are refused.
        self.unknown = len(self.symbols) if spec.get('unknown') == 'last' else None
        self.size = len(self.symbols) + (1 if self.unknown is not None else 0)

    def encode(self, text):
        ids = []
        for ch in text:
            i = self.index.get(ch, self.unknown)
            if i is None:
                raise ValueError(f'the vocabulary has no symbol {ch!r} and no unknown placeholder')
            ids.append(i)
        return ids


def load_checkpoint(path):
    """(model, text vocabulary, step, metadata) of an unfold character-model checkpoint."""
    tensors, metadata = read_safetensors(path)
    spec = json.loads(metadata['unfold.model'])
    if spec.get('className') != 'train.CharModel':
        raise ValueError(f'{path}: expected a train.CharModel checkpoint, got {spec.get("className")}')
    model = CharModel.from_config(spec['config'])
    model.load_state_dict(tensors)
    vocab = CharVocab(json.loads(metadata['unfold.vocabs'])['text'])
    return model, vocab, int(metadata.get('unfold.step', '0')), metadata


def save_checkpoint(path, model, metadata, step):
    """The model's weights in unfold's format, with `metadata` (model spec, vocabularies) and `step`."""
    module = model.module if hasattr(model, 'module') else model
    write_safetensors(path, module.state_dict(), {**metadata, 'format': 'pt', 'unfold.step': str(step)})
