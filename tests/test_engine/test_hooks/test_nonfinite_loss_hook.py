import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModel
from mmengine.runner import Runner

from mfm_mm.engine.hooks import NonFiniteLossHook


class ToyModel(BaseModel):
    """A linear regressor whose loss turns NaN at the given (1-based) iterations."""

    def __init__(self, nan_at=()):
        super().__init__()
        self.linear = nn.Linear(2, 1)
        self.nan_at = set(nan_at)
        self.calls = 0

    def forward(self, inputs, targets=None, mode='loss'):
        self.calls += 1
        loss = ((self.linear(inputs) - targets)**2).mean()
        if self.calls in self.nan_at:
            loss = loss * float('nan')
        return dict(loss=loss, loss_aux=loss.detach() * 0)


def toy_runner(tmp_path, model, action, epochs=1):
    data = [dict(inputs=torch.randn(2), targets=torch.randn(1)) for _ in range(8)]
    return Runner(
        model=model, work_dir=str(tmp_path),
        train_dataloader=dict(dataset=data, batch_size=2, num_workers=0,
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=epochs),
        custom_hooks=[NonFiniteLossHook(action=action)],
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1),
                           logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=0))


def test_stop_names_iteration_and_terms_before_touching_weights(tmp_path):
    model = ToyModel(nan_at=[3])
    runner = toy_runner(tmp_path, model, 'stop')
    with pytest.raises(FloatingPointError, match=r'iteration 3 \(epoch 1\).*loss_aux'):
        runner.train()
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert not list(tmp_path.glob('*.pth'))


def test_skip_drops_only_the_bad_step(tmp_path):
    model = ToyModel(nan_at=[2, 3])
    runner = toy_runner(tmp_path, model, 'skip', epochs=2)
    runner.train()
    hook = next(h for h in runner.hooks if isinstance(h, NonFiniteLossHook))
    assert hook.skipped == 2
    assert all(torch.isfinite(p).all() for p in model.parameters())
    assert (tmp_path / 'epoch_2.pth').is_file()


def test_refuses_to_save_non_finite_weights(tmp_path):
    hook = NonFiniteLossHook()
    checkpoint = dict(state_dict={'ok': torch.ones(2), 'bad': torch.tensor([1., float('inf')]),
                                  'steps': torch.tensor([3])})

    class FakeRunner:
        iter = 7

    with pytest.raises(FloatingPointError, match='iteration 7: non-finite values in bad'):
        hook.before_save_checkpoint(FakeRunner(), checkpoint)
    del checkpoint['state_dict']['bad']
    hook.before_save_checkpoint(FakeRunner(), checkpoint)


def test_bad_action():
    with pytest.raises(ValueError, match='action'):
        NonFiniteLossHook(action='ignore')
