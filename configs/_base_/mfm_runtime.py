# Runtime of MFM pre-training: the self-supervised runtime plus a reconstruction picture every
# 10 epochs in {work_dir}/mfm_vis/.
_base_ = 'selfsup_runtime.py'

custom_hooks = [dict(type='MFMVisualizationHook', interval=10, num_images=4)
                ] + _base_.custom_hooks

# The loss scalars and the picture go to every backend of mmpretrain's visualizer (default:
# LocalVisBackend, {work_dir}/{timestamp}/vis_data/). For TensorBoard as well, put this in a
# config that inherits this runtime (tests/test_visualization/test_mfm_vis_hook.py runs it):
#   visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
#                                   dict(type='TensorboardVisBackend')])
# (e.g. a file with `_base_ = 'mfm_vit-b_800e.py'` and these lines beside the configs), then
# `tensorboard --logdir work_dirs/`. TensorBoard needs `pip install tensorboard`;
# WandbVisBackend and MLflowVisBackend are added the same way.
