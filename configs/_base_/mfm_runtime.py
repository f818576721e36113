# Runtime of MFM pre-training: the self-supervised runtime plus a reconstruction picture every
# 10 epochs in {work_dir}/mfm_vis/.
_base_ = 'selfsup_runtime.py'

custom_hooks = [dict(type='MFMVisualizationHook', interval=10, num_images=4)
                ] + _base_.custom_hooks
