import pytest
import torch
import torch.nn.functional as F
from torch import nn

from segtutor.models import FUSIONS, SkipNet, bilinear_kernel, bilinear_upsampler, receptive_field


@pytest.mark.parametrize("factor", [2, 3, 4, 8])
def test_transposed_conv_equals_bilinear_interpolation_inside(factor):
    x = torch.randn(2, 3, 6, 5, generator=torch.Generator().manual_seed(factor))
    up = bilinear_upsampler(3, factor)
    assert isinstance(up, nn.ConvTranspose2d) and up.stride == (factor, factor)
    with torch.no_grad():
        ours = up(x)
    reference = F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)
    assert ours.shape == reference.shape == (2, 3, 6 * factor, 5 * factor)
    inside = (..., slice(factor, -factor), slice(factor, -factor))
    assert torch.allclose(ours[inside], reference[inside], atol=1e-5)
    assert not torch.allclose(ours, reference, atol=1e-5)  # at the border the zero padding shows


def test_bilinear_kernel_by_hand_and_channels_stay_apart():
    up = bilinear_upsampler(2, 2)
    ramp = torch.tensor([0.25, 0.75, 0.75, 0.25])
    assert torch.equal(up.weight[0, 0], ramp[:, None] * ramp[None, :])
    assert torch.equal(up.weight[0, 1], torch.zeros(4, 4)) and up.bias is None


def test_bilinear_kernel_by_hand():
    assert torch.equal(bilinear_kernel(2), torch.outer(torch.tensor([0.25, 0.75, 0.75, 0.25]), torch.tensor([0.25, 0.75, 0.75, 0.25])))
    ramp = torch.tensor([1 / 3, 2 / 3, 1.0, 2 / 3, 1 / 3])  # odd factor: odd side 5, centre 2
    assert torch.allclose(bilinear_kernel(3), torch.outer(ramp, ramp))
    with pytest.raises(ValueError, match=r"`factor` must be at least 2, got 1"):
        bilinear_kernel(1)


def test_a_transposed_conv_given_the_kernel_interpolates_like_f_interpolate():
    x = torch.randn(1, 1, 5, 6, generator=torch.Generator().manual_seed(0))
    up = nn.ConvTranspose2d(1, 1, 4, stride=2, padding=1, bias=False)
    with torch.no_grad():
        up.weight[0, 0] = bilinear_kernel(2)
        ours = up(x)
    reference = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    assert torch.allclose(ours[..., 1:-1, 1:-1], reference[..., 1:-1, 1:-1], atol=1e-6)


def test_bilinear_upsampler_refuses_bad_values():
    with pytest.raises(ValueError, match=r"`factor` must be at least 2, got 1"):
        bilinear_upsampler(3, 1)
    with pytest.raises(TypeError, match=r"`channels` must be an int, got float"):
        bilinear_upsampler(3.0, 2)


def _measured_field(model: nn.Module, size: int = 41) -> int:
    """Independent reference: the most input rows a central output pixel's gradient reaches (stride alignment varies)."""
    fields = []
    for shift in (0, 1):
        x = torch.zeros(1, 1, size, size, requires_grad=True)
        out = model(x)
        out[0, 0, out.shape[-2] // 2 + shift, out.shape[-1] // 2].backward()
        rows = torch.nonzero(x.grad[0, 0].abs().sum(1))
        fields.append(int(rows.max() - rows.min() + 1))
    return max(fields)


@pytest.mark.parametrize("layers", [
    [nn.Conv2d(1, 1, 3, padding=1), nn.Conv2d(1, 1, 3, padding=1)],
    [nn.Conv2d(1, 1, 3, stride=2, padding=1), nn.Conv2d(1, 1, 3, padding=1)],
    [nn.Conv2d(1, 1, 3, padding=2, dilation=2), nn.Conv2d(1, 1, 5, padding=2)],
    [nn.Conv2d(1, 1, 3, padding=1), nn.AvgPool2d(2), nn.Conv2d(1, 1, 3, padding=2, dilation=2)],
])
def test_receptive_field_matches_the_gradient_footprint(layers):
    model = nn.Sequential(*layers)
    for module in model:
        if isinstance(module, nn.Conv2d):
            nn.init.constant_(module.weight, 1.0)
    assert receptive_field(model) == _measured_field(model)


def test_receptive_field_by_hand():
    assert receptive_field([(3, 1, 1), (3, 1, 1)]) == 5
    assert receptive_field([(3, 2, 1), (3, 1, 1)]) == 7
    assert receptive_field([(3, 1, 2)]) == 5
    assert receptive_field([]) == 1
    with pytest.raises(TypeError, match=r"`layers` must be a torch.nn.Module or a list of \(kernel, stride, dilation\), got int"):
        receptive_field(3)


@pytest.mark.parametrize("fusion", FUSIONS)
def test_skipnet_keeps_the_input_size(fusion):
    torch.manual_seed(0)
    model = SkipNet(fusion=fusion, width=4).eval()
    for size in ((64, 64), (37, 45)):
        assert model(torch.zeros(2, 3, *size))["out"].shape == (2, 5, *size)


def test_skipnet_variants_differ_only_in_the_decoder():
    torch.manual_seed(0)
    plain, fcn, unet = (SkipNet(fusion=f, width=4) for f in FUSIONS)
    assert not hasattr(plain, "decoder") and not hasattr(plain, "skip_scores")
    assert len(fcn.skip_scores) == 3 and all(isinstance(u, nn.ConvTranspose2d) for u in fcn.upsamplers)
    assert len(unet.decoder) == 3
    assert receptive_field(plain.encoder) == receptive_field(unet.encoder) == 1 + 2 + 2 * 2 + 2 * 2 + 2 * 4 + 2 * 4 + 2 * 8 + 2 * 8 + 2 * 2 * 16  # 123
    with pytest.raises(ValueError, match=r"`fusion` must be one of \('none', 'fcn', 'unet'\), got 'sum'"):
        SkipNet(fusion="sum")


def test_fcn_fusion_without_skip_scores_is_upsampled_coarse_scores():
    torch.manual_seed(0)
    model = SkipNet(fusion="fcn", width=4).eval()
    for score in model.skip_scores:
        nn.init.zeros_(score.weight)
        nn.init.zeros_(score.bias)
    x = torch.randn(1, 3, 32, 32)
    with torch.no_grad():
        features = x
        for stage in model.encoder:
            features = stage(features)
        coarse = model.classifier(features)
        expected = model.upsamplers[2](model.upsamplers[1](model.upsamplers[0](coarse)))  # 2x2 -> 16x16
        expected = F.interpolate(expected, size=(32, 32), mode="bilinear", align_corners=False)
        assert torch.allclose(model(x)["out"], expected, atol=1e-6)
