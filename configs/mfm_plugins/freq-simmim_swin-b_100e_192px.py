# SimMIM (mmpretrain's Swin-B/w6 192 px recipe, 100 epochs, 8 GPUs x 256, AMP) with MFM's
# frequency corruption in front: each image is low- or high-pass filtered (radius 14 at
# 192 px, 16 at 224 scaled) before SimMIM masks 60% of its 32 px patches; the target stays
# the clean pixels of the masked patches (L1). Only the algorithm type and the pipeline change.
_base_ = 'mmpretrain::simmim/simmim_swin-base-w6_8xb256-amp-coslr-100e_in1k-192px.py'
custom_imports = dict(imports=['mfm_mm'], allow_failed_imports=False)

model = dict(type='FrequencySimMIM', corruption=dict(type='FrequencyMaskCorruption'))

train_pipeline = [step for step in _base_.train_pipeline if step['type'] != 'PackInputs'] + [
    dict(type='FrequencyMaskGenerator', radius=14, low_pass_prob=0.5),
    dict(type='PackInputs', algorithm_keys=['freq_mask']),
]
# mmengine passes the inherited `_scope_` key on to the collate function: declare it again.
# Workers re-created each epoch (EpochSeedHook re-seeds them: exact resume).
train_dataloader = dict(
    collate_fn=dict(_delete_=True, type='default_collate'),
    persistent_workers=False,
    dataset=dict(pipeline=train_pipeline))

# the project's run guards of every pre-training config (configs/_base_/selfsup_runtime.py):
# a fixed seed, per-epoch seeds from it and the stop on a non-finite loss; tools/train.py
# adds the checkpoint and stop guards
randomness = dict(seed=0, diff_rank_seed=True)
custom_hooks = [dict(type='EpochSeedHook'), dict(type='NonFiniteLossHook', action='stop')]
