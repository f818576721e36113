# Runtime of ConMIM pre-training: the shared self-supervised runtime; the teacher and its
# momentum schedule position are part of the model's state.
_base_ = '../../_base_/selfsup_runtime.py'
