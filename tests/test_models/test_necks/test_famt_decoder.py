"""FAMTPretrainDecoder: MAE's decoder on visible + masked tokens only."""
import torch
from mmpretrain.models import MAEPretrainDecoder

from mfm_mm.models.necks import FAMTPretrainDecoder

CFG = dict(num_patches=16, patch_size=16, embed_dim=64, decoder_embed_dim=32, decoder_depth=2,
           decoder_num_heads=4)


def test_nothing_thrown_equals_mae_decoder():
    torch.manual_seed(0)
    famt = FAMTPretrainDecoder(**CFG)
    famt.init_weights()
    mae = MAEPretrainDecoder(**CFG)
    mae.load_state_dict(famt.state_dict())
    famt.eval(), mae.eval()
    order = torch.rand(2, 16).argsort(1)  # masked first, then visible
    ids_visible, ids_masked = order[:, 12:], order[:, :12]
    latent = torch.randn(2, 1 + 4, 64)
    ids_restore = torch.cat([ids_visible, ids_masked], 1).argsort(1)
    expected = mae(latent, ids_restore)  # (2, 16, 768) on the patch grid
    pred = famt(latent, torch.cat([ids_visible, ids_masked], 1))  # (2, 16, 768) in that order
    ids = torch.cat([ids_visible, ids_masked], 1)
    assert torch.allclose(pred, expected.gather(1, ids[..., None].expand(-1, -1, 768)), atol=1e-5)


def test_thrown_patches_get_no_token():
    decoder = FAMTPretrainDecoder(**CFG)
    seen = []
    decoder.decoder_blocks[0].register_forward_pre_hook(lambda m, a: seen.append(a[0].shape))
    out = decoder(torch.randn(2, 1 + 3, 64), torch.arange(10).expand(2, -1))  # 3 visible, 7 masked
    assert out.shape == (2, 10, 768)
    assert seen == [(2, 11, 32)]  # CLS + 10 tokens, not 1 + 16
