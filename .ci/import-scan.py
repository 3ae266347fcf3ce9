#!/usr/bin/env python3
"""Token scan of the engine's imports, the way issue 30's review measured them (approximate on purpose: it reads
identifiers, not a compiler's symbols). Prints the figures the floors are judged by.

usage: python3 .ci/import-scan.py [repo-root]"""
import os, re, sys
from collections import defaultdict

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DECL = re.compile(r'\b(?:class|record|interface|enum|struct)\s+(?:class\s+|struct\s+)?([A-Z]\w*)')
IDENT = re.compile(r'\b[A-Z]\w*\b')

def strip(src):
    src = re.sub(r'//[^\n]*', '', src)
    src = re.sub(r'/\*.*?\*/', '', src, flags=re.S)
    src = re.sub(r'@?"(?:[^"\\\n]|\\.)*"', '""', src)
    return src

def files(project):
    base = os.path.join(root, project)
    for d, subs, names in os.walk(base):
        subs[:] = [s for s in subs if s not in ('bin', 'obj')]
        for n in names:
            if n.endswith('.cs'):
                p = os.path.join(d, n)
                yield os.path.relpath(p, base), strip(open(p, encoding='utf-8').read())

def folder(rel):
    parts = rel.split(os.sep)
    return parts[0] if len(parts) > 1 else '(root)'

worker = dict(files('GenApi.Worker'))
declared = {}  # type name -> file
for rel, src in worker.items():
    for name in DECL.findall(src):
        declared.setdefault(name, rel)

def refs(src, own):
    return {declared[t] for t in set(IDENT.findall(src)) if t in declared and declared[t] != own}

file_edges = {rel: refs(src, rel) for rel, src in worker.items()}
folder_edges = defaultdict(set)
for a, targets in file_edges.items():
    for b in targets:
        if folder(a) != folder(b):
            folder_edges[folder(a)].add(folder(b))

def sccs(nodes, edges):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            out.append(comp)
    for v in nodes:
        if v not in index: visit(v)
    return out

folders = sorted({folder(r) for r in worker})
big = max(sccs(folders, folder_edges), key=len)
pairs = sorted({tuple(sorted((a, b))) for a in folder_edges for b in folder_edges[a] if a in folder_edges.get(b, ())})
file_big = max(sccs(sorted(worker), file_edges), key=len)
print(f"worker folders in the largest import circle: {len(big) if len(big) > 1 else 0} of {len(folders)}"
      + (f" ({', '.join(sorted(big))})" if len(big) > 1 else ""))
print(f"folder pairs pointing both ways: {len(pairs)}" + (f" ({'; '.join(a + '<->' + b for a, b in pairs)})" if pairs else ""))
print(f"largest file-level circle: {len(file_big) if len(file_big) > 1 else 0} files")

api = dict(files('GenApi'))
importing, used = 0, set()
for rel, src in api.items():
    if re.search(r'^\s*using\s+GenApi\.Worker', src, re.M):
        importing += 1
        used |= {t for t in set(IDENT.findall(src)) if t in declared}
print(f"GenApi files importing Worker namespaces: {importing} of {len(api)}, {len(used)} Worker types")
for rel, src in sorted(worker.items()):
    if len(sys.argv) > 2 and sys.argv[2] == '-v':
        print(f"  {rel} -> {sorted(folder(b) for b in file_edges[rel] if folder(b) != folder(rel))}")
