"""Every command and config snippet of the READMEs runs, or is checked, as pasted.

The snippets are extracted from the Markdown (fenced ```bash / ```python blocks of README.md
and configs/*/README.md), so a page and its test cannot drift. Each bash command is matched by
exactly one row of ``RULES``, each python block by one of ``PYTHON_RULES``; a snippet that no
rule covers fails ``test_every_snippet_has_one_rule``. Commands that need GPUs, several nodes
or a real dataset are checked as far as CPU allows: the script exists, its environment
variables are the launcher's, the tool's argparse accepts the flags, every repository path
exists, and the config builds its runner in-process on CPU with tiny data (the project's
``build_runner``, as ``tools/train.py`` / ``tools/test.py`` do).
"""
import argparse
import contextlib
import importlib.util
import io
import os
import os.path as osp
import re
import shlex
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Tuple

import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from conftest import REPO, cfg_options
from mfm_mm.demo import write_coins_ade20k_folder, write_digits_imagenet_folder
from mfm_mm.engine.runner import build_runner, load_config
from mfm_mm.utils import innermost_dataset
from mfm_mm.engine.runner.build import apply_train_args

PAGES = ['README.md'] + sorted(
    osp.join('configs', name, 'README.md') for name in os.listdir(osp.join(REPO, 'configs'))
    if osp.isfile(osp.join(REPO, 'configs', name, 'README.md')))
TEXT_LANGUAGES = ('', 'text', 'bibtex')  # output excerpts, folder trees, citations: shown only
FENCE = re.compile(r'^```(\w*)\n(.*?)^```$', re.M | re.S)
# arguments that name a user's file or an output, not a file of the repository
PLACEHOLDERS = ('CONFIG', 'PARTITION', 'PRETRAIN.pth', 'FINETUNED.pth', 'CONVERTED.pth')


@dataclass
class Snippet:
    page: str
    line: int
    language: str
    text: str
    section: str

    def __str__(self) -> str:
        return f'{self.page}:{self.line}'


def extract_snippets() -> List[Snippet]:
    """The fenced blocks of every page, with the ``##`` section each is in."""
    found = []
    for page in PAGES:
        with open(osp.join(REPO, page), encoding='utf-8') as f:
            text = f.read()
        for match in FENCE.finditer(text):
            before = text[:match.start()]
            sections = re.findall(r'^#{2,} (.+)$', before, re.M)
            found.append(Snippet(page, before.count('\n') + 1, match.group(1), match.group(2),
                                 sections[-1] if sections else ''))
    return found


def split_commands(text: str) -> List[List[str]]:
    """Shell words of each command of a bash block (continuations joined, comments dropped)."""
    return [words for line in text.replace('\\\n', ' ').splitlines()
            if (words := shlex.split(line, comments=True))]


SNIPPETS = extract_snippets()
COMMANDS = [(snippet, words) for snippet in SNIPPETS if snippet.language == 'bash'
            for words in split_commands(snippet.text)]


def _strip(words: List[str]) -> Tuple[Dict[str, str], List[str]]:
    """``(environment, command)``: leading ``NAME=value`` words and ``nice`` taken off."""
    env = {}
    while words and re.fullmatch(r'[A-Z_]+=\S*', words[0]):
        name, value = words[0].split('=', 1)
        env[name] = value
        words = words[1:]
    return env, words[1:] if words[:1] == ['nice'] else words


def repo_path(path: str) -> str:
    return osp.join(REPO, path)


def assert_repo_paths_exist(words: List[str]) -> None:
    for word in words:
        value = word.split('=', 1)[-1]
        if re.match(r'(configs|tools|requirements)/', value):
            assert osp.exists(repo_path(value)), f'{value} does not exist'


class _Parsed(Exception):
    """Raised by the patched ``parse_args`` to stop a tool right after parsing."""

    def __init__(self, namespace: argparse.Namespace) -> None:
        super().__init__()
        self.namespace = namespace


def load_tool(path: str):
    spec = importlib.util.spec_from_file_location(
        'readme_tool_' + re.sub(r'\W', '_', path), repo_path(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parse_tool_args(path: str, args: List[str], monkeypatch) -> argparse.Namespace:
    """What the tool's argparse makes of ``args`` (its ``main`` stops right after parsing)."""
    parse = argparse.ArgumentParser.parse_args

    def parse_and_stop(parser, *a, **kw):
        raise _Parsed(parse(parser, *a, **kw))

    module = load_tool(path)
    with monkeypatch.context() as patch:
        patch.setattr(argparse.ArgumentParser, 'parse_args', parse_and_stop)
        patch.setattr('sys.argv', [path] + args)
        with pytest.raises(_Parsed) as parsed:
            module.main()
    return parsed.value.namespace


@pytest.fixture(scope='module')
def data(tmp_path_factory) -> Dict[str, str]:
    """Tiny datasets in the layouts the configs read: ImageNet (train, val) and ADE20K."""
    root = tmp_path_factory.mktemp('readme_data')
    write_digits_imagenet_folder(str(root / 'imagenet'), size=32, train_per_class=2,
                                 val_per_class=1)
    write_coins_ade20k_folder(str(root / 'ade'), size=64, num_train=4, num_val=2)
    return dict(imagenet=str(root / 'imagenet'), ade=str(root / 'ade'),
                work_dirs=str(root / 'work_dirs'))


def point_at_tiny_data(cfg: Config, data: Dict[str, str]) -> None:
    """Every dataloader of ``cfg`` reads the tiny dataset of its layout, in the main process."""
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name)
        if loader:
            dataset = innermost_dataset(loader)
            dataset['data_root'] = data['ade' if 'ADE' in dataset['type'] else 'imagenet']
            loader.update(num_workers=0, persistent_workers=False)


_BUILT: set = set()  # (tool, arguments) already built in this session


def builds_on_cpu(tool: str, args: List[str], data: Dict[str, str], monkeypatch) -> None:
    """The config of a ``tools/train.py`` / ``tools/test.py`` command builds its runner on CPU."""
    namespace = parse_tool_args(tool, args, monkeypatch)
    key = (tool, tuple(args))
    if key in _BUILT:
        return
    phase = 'train' if tool == 'tools/train.py' else 'test'
    work_dir = osp.join(data['work_dirs'], str(len(_BUILT)))
    cfg = load_config(repo_path(namespace.config), work_dir=work_dir,
                      cfg_options=namespace.cfg_options)
    if phase == 'train':
        apply_train_args(cfg, namespace)
    point_at_tiny_data(cfg, data)
    runner = build_runner(cfg, phase)
    assert isinstance(runner, Runner) and runner.model is not None
    _BUILT.add(key)


# launcher script: (the tool it runs, how its arguments map onto the tool's)
LAUNCHERS: Dict[str, Tuple[str, Callable[[List[str]], List[str]]]] = {
    'tools/dist_train.sh': ('tools/train.py', lambda a: [a[0]] + a[2:]),  # CONFIG GPUS ...
    'tools/dist_test.sh': ('tools/test.py', lambda a: a[:2] + a[3:]),  # CONFIG CKPT GPUS ...
    # PARTITION JOB CONFIG WORK_DIR ...
    'tools/slurm_train.sh': ('tools/train.py', lambda a: [a[2], f'--work-dir={a[3]}'] + a[4:]),
    'tools/benchmarks/mim_dist_train.sh': ('tools/train.py', lambda a: [a[0]] + a[3:]),
}


def check_launcher(env: Dict[str, str], words: List[str], data, monkeypatch) -> None:
    script, args = words[0], words[1:]
    assert os.access(repo_path(script), os.X_OK), f'{script} is not executable'
    scripts = ''.join(open(path).read() for path in [repo_path(script)] + [
        repo_path(f'tools/{name}') for name in ('dist_launch.sh', 'slurm_launch.sh')])
    for name in env:
        assert re.search(r'\$\{?' + name + r'\b', scripts), f'{script} does not read {name}'
    tool, to_tool_args = LAUNCHERS[script]
    check_python_tool(env, ['python', tool] + to_tool_args(args), data, monkeypatch)


def check_python_tool(env, words: List[str], data, monkeypatch) -> None:
    tool, args = words[1], words[2:]
    if tool in ('tools/train.py', 'tools/test.py') and args[0] not in PLACEHOLDERS:
        builds_on_cpu(tool, args, data, monkeypatch)
    else:
        parse_tool_args(tool, args, monkeypatch)


def check_make(env, words: List[str], data, monkeypatch) -> None:
    with open(repo_path('Makefile'), encoding='utf-8') as f:
        assert re.search(rf'^{words[1]}:', f.read(), re.M), f'no make target {words[1]}'


def check_install(env, words: List[str], data, monkeypatch) -> None:
    assert osp.isfile(repo_path(words[-1] if words[-1] != '.' else 'setup.py')), words


def check_mim(env, words: List[str], data, monkeypatch) -> None:
    command = importlib.import_module(f'mim.commands.{words[1]}').cli
    context = command.make_context(words[1], words[2:])
    assert words[2] == 'mfm_mm'
    if words[1] == 'search':
        from test_metafiles import INDEX
        fields = {f'{result.dataset}/{name}'.lower().replace(' ', '_')
                  for entry in INDEX.models for result in entry.results or []
                  for name in result.metrics}
        for field in context.params['shown_fields'] or []:
            assert field in fields, f'{field} is no metric of the model index'
    else:  # mim finds the config by its file name in the package's configs
        config = words[3]
        assert any(config in files for _, _, files in os.walk(repo_path('configs'))), config


# what a bash command looks like -> how it is checked
RULES: List[Tuple[str, str, Callable]] = [
    (r'make (demo|test|test-fast|test-torch2\.1)', 'the Makefile has the target (CI runs '
     '`make test`)', check_make),
    (r'(pip|mim) install( -U)? -r requirements/\S+|pip install( -e)? \.',
     'the requirements file / setup.py exists', check_install),
    (r'tools/(dist_train|dist_test|slurm_train|benchmarks/mim_dist_train)\.sh .*',
     "the script is executable and reads its variables; the tool's argparse accepts the flags;"
     ' the config builds its runner on CPU with tiny data', check_launcher),
    (r'(python|\.venv/bin/python) tools/\S+\.py.*', "the tool's argparse accepts the flags; "
     'tools/train.py / test.py: the config builds its runner on CPU with tiny data',
     check_python_tool),
    (r'mim (search|train|test) mfm_mm.*', "openmim's parser accepts the flags; the config is "
     "in configs/; --field names a metric of the model index", check_mim),
]


def rule_of(words: List[str]) -> List[Tuple[str, str, Callable]]:
    command = ' '.join(_strip(words)[1])
    return [rule for rule in RULES if re.fullmatch(rule[0], command)]


def python_rule(snippet: Snippet) -> Optional[str]:
    """``'config'``: a config file, named in its first line; ``'api'``: Python API calls."""
    if re.match(r'# (configs/\S+|[\w.-]+)\.py\n', snippet.text):
        return 'config'
    if snippet.text.startswith('from mfm_mm.apis import'):
        return 'api'
    return None


PYTHON_RULES = {
    'config': 'written where its first line says, loaded, and its runner built on CPU with '
              'tiny data; the "own configs" one trains 2 iterations',
    'api': 'run as pasted in a folder holding the files it reads; printed values compared '
           'with the comments',
}


def test_every_snippet_has_one_rule():
    uncovered = [f'{snippet}: {snippet.language}' for snippet in SNIPPETS
                 if snippet.language not in TEXT_LANGUAGES + ('bash', 'python')]
    uncovered += [f'{snippet}: {shlex.join(words)} ({len(rule_of(words))} rules)'
                  for snippet, words in COMMANDS if len(rule_of(words)) != 1]
    uncovered += [f'{snippet}: python' for snippet in SNIPPETS
                  if snippet.language == 'python' and python_rule(snippet) is None]
    assert not uncovered, 'no rule (or several) covers: ' + '; '.join(uncovered)
    assert len(COMMANDS) > 40 and set(PYTHON_RULES) == {
        python_rule(s) for s in SNIPPETS if s.language == 'python'}


def test_a_command_or_block_of_a_new_kind_has_no_rule():
    assert rule_of(['docker', 'run', 'mfm_mm']) == []
    rule = rule_of(['tools/dist_train.sh', 'configs/mfm_vit-b_800e.py', '8'])
    assert [check for _, _, check in rule] == [check_launcher]
    assert python_rule(Snippet('README.md', 1, 'python', 'import mfm_mm\n', '')) is None


@pytest.mark.parametrize('snippet,words', COMMANDS,
                         ids=[f'{s}:{shlex.join(w)[:60]}' for s, w in COMMANDS])
def test_command(snippet, words, data, monkeypatch):
    env, command = _strip(words)
    assert_repo_paths_exist(command)
    (_, _, check), = rule_of(words)
    check(env, command, data, monkeypatch)


def config_file(snippet: Snippet, folder: str) -> str:
    """The config block written to ``folder``, a relative ``_base_`` resolved from the path
    its first line names."""
    name = snippet.text.splitlines()[0][2:]
    text = re.sub(r"^_base_ = '(\.[^']+)'$",
                  lambda m: f"_base_ = {osp.join(REPO, osp.dirname(name), m.group(1))!r}",
                  snippet.text, flags=re.M)
    path = osp.join(folder, osp.basename(name))
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return path


CONFIGS = [s for s in SNIPPETS if s.language == 'python' and python_rule(s) == 'config']


@pytest.mark.parametrize('snippet', CONFIGS, ids=[str(s) for s in CONFIGS])
def test_config_snippet_builds_its_runner(snippet, data, tmp_path):
    cfg = load_config(config_file(snippet, str(tmp_path)), work_dir=str(tmp_path / 'work_dir'))
    point_at_tiny_data(cfg, data)
    assert type(build_runner(cfg).model).__name__ == 'MFM'


def test_own_config_trains_two_iterations_with_a_plain_runner(tiny_imagenet, tmp_path):
    """The "own configs" snippet on CPU as upstream tools run it (``Runner.from_cfg``)."""
    snippet, = [s for s in CONFIGS if s.section == 'Using MFM in your own configs']
    cfg = Config.fromfile(config_file(snippet, str(tmp_path)))
    cfg.merge_from_dict(cfg_options(shlex.split(
        f'work_dir={tmp_path}/work_dir train_dataloader.dataset.data_root={tiny_imagenet} '
        'optim_wrapper.type=OptimWrapper train_dataloader.batch_size=2 '
        'train_dataloader.dataset.indices=4 train_dataloader.num_workers=0 '
        'train_dataloader.persistent_workers=False train_cfg.max_epochs=1 '
        'default_hooks.logger.interval=1 model.backbone.arch=deit-tiny '
        'model.neck.in_channels=192')))
    Runner.from_cfg(cfg).train()
    log, = (tmp_path / 'work_dir').glob('*/*.log')
    text = log.read_text()
    losses = [float(v) for v in re.findall(r'Epoch\(train\) +\[1\]\[\d/2\].* loss: ([\d.]+)',
                                           text)]
    assert len(losses) == 2 and all(0 < loss < 10 for loss in losses), losses
    assert (tmp_path / 'work_dir' / 'mfm_vis' / 'epoch_1.png').is_file()
    assert 'mfm_mm: this run has no' not in text  # the snippet has the pictures and guards


def test_api_snippet_runs_as_pasted(tmp_path, monkeypatch):
    """Run in a folder with what ``make demo`` writes: a checkpoint and held-out digits."""
    snippet, = [s for s in SNIPPETS if s.language == 'python' and python_rule(s) == 'api']
    from mfm_mm.apis import get_model
    (tmp_path / 'work_dirs' / 'demo').mkdir(parents=True)
    torch.save(dict(state_dict=get_model('mfm_vit-4l-p7_cpu-demo_28px').state_dict()),
               tmp_path / 'work_dirs' / 'demo' / 'epoch_30.pth')
    (tmp_path / 'data' / 'demo_mnist' / 'val' / '0').mkdir(parents=True)
    for index in range(3):
        Image.new('L', (28, 28), 40 * index).save(
            tmp_path / 'data' / 'demo_mnist' / 'val' / '0' / f'{index}.png')
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    namespace = {}
    with contextlib.redirect_stdout(out):
        exec(compile(snippet.text, str(snippet), 'exec'), namespace)
    printed = out.getvalue().splitlines()
    expected = re.findall(r'^print\(.*\)\s+# (.+)$', snippet.text, re.M)
    assert len(printed) == len(expected) == 2, printed
    for line, comment in zip(printed, expected):
        pattern = '.*'.join(re.escape(part) for part in comment.split('...'))
        assert re.fullmatch(pattern, line), (line, comment)
    comment = re.search(r'features = .*# one \((\d+), (\d+), (\d+)\) map per image',
                        snippet.text)
    shape = tuple(int(v) for v in comment.groups())
    assert len(namespace['features']) == 3
    assert all(tuple(f[0].shape) == shape for f in namespace['features'])
