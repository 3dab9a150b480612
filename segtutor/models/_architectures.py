"""Upsampling and skip connections: the pieces behind FCN, U-Net and DeepLab.

A segmenter's encoder shrinks the image to see whole shapes (a large
receptive field); its decoder has to bring the class scores back to full
size. :func:`bilinear_kernel` gives the weights that make a transposed
convolution interpolate bilinearly; :func:`bilinear_upsampler` is such a
transposed convolution, which can learn from there; :class:`SkipNet` is a
small encoder-decoder whose decoder either upsamples the coarsest scores
alone (``"none"``), adds scores from finer encoder stages (``"fcn"``, FCN's
skip fusion), or concatenates finer features (``"unet"``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .._checks import check_batch, check_int

__all__ = ["FUSIONS", "SkipNet", "bilinear_kernel", "bilinear_upsampler", "receptive_field"]

FUSIONS = ("none", "fcn", "unet")
"""How :class:`SkipNet`'s decoder uses the encoder's finer stages."""


def bilinear_kernel(factor: int) -> torch.Tensor:
    """The 2-D kernel with which a transposed convolution of stride `factor` interpolates bilinearly.

    Side ``2 factor - factor % 2``; row ``i`` and column ``j`` hold
    ``r(i) r(j)`` with the ramp ``r(i) = 1 - |i - c| / factor`` around the
    centre ``c``. FCN (Long et al., CVPR 2015) initialises its upsampling
    layers with it.

    Parameters
    ----------
    factor : int
        Upsampling factor (the stride), at least 2.

    Returns
    -------
    torch.Tensor
        float32, shape [k, k] with ``k = 2 factor - factor % 2``.

    Raises
    ------
    TypeError
        If `factor` is not an int.
    ValueError
        If `factor` is below 2.

    Examples
    --------
    >>> bilinear_kernel(2)
    tensor([[0.0625, 0.1875, 0.1875, 0.0625],
            [0.1875, 0.5625, 0.5625, 0.1875],
            [0.1875, 0.5625, 0.5625, 0.1875],
            [0.0625, 0.1875, 0.1875, 0.0625]])
    """
    factor = check_int(factor, name="factor", minimum=2)
    kernel = 2 * factor - factor % 2
    center = (kernel - 1) / 2 if kernel % 2 else factor - 0.5
    ramp = 1 - (torch.arange(kernel, dtype=torch.float32) - center).abs() / factor
    return ramp[:, None] * ramp[None, :]


def bilinear_upsampler(channels: int, factor: int) -> nn.ConvTranspose2d:
    """A transposed convolution that upsamples by `factor`, initialised to bilinear interpolation.

    Kernel :func:`bilinear_kernel` (side ``2 factor - factor % 2``), stride
    `factor`, padding ``factor // 2``, each channel mapped to itself. Away
    from the border it equals
    ``F.interpolate(x, scale_factor=factor, mode="bilinear", align_corners=False)``;
    unlike interpolation its weights can be trained.

    Parameters
    ----------
    channels : int
        Input and output channels.
    factor : int
        Upsampling factor, at least 2.

    Returns
    -------
    torch.nn.ConvTranspose2d
        Maps [N, channels, H, W] to [N, channels, factor H, factor W].

    Raises
    ------
    TypeError
        If `channels` or `factor` is not an int.
    ValueError
        If `channels` is below 1 or `factor` below 2.

    Examples
    --------
    >>> x = torch.arange(16.0).reshape(1, 1, 4, 4)
    >>> up = bilinear_upsampler(1, 2)(x)
    >>> tuple(up.shape), torch.allclose(up[..., 1:-1, 1:-1], F.interpolate(x, scale_factor=2, mode="bilinear")[..., 1:-1, 1:-1])
    ((1, 1, 8, 8), True)
    """
    channels = check_int(channels, name="channels", minimum=1)
    weights = bilinear_kernel(factor)
    conv = nn.ConvTranspose2d(channels, channels, len(weights), stride=factor, padding=factor // 2, bias=False)
    with torch.no_grad():
        conv.weight.zero_()
        conv.weight[range(channels), range(channels)] = weights
    return conv


def receptive_field(layers: nn.Module | Sequence[tuple[int, int, int]]) -> int:
    """The receptive field, in input pixels, of a chain of convolutions and poolings.

    Walks the ``Conv2d``, ``MaxPool2d`` and ``AvgPool2d`` layers of a module
    in the order they were defined, as one chain: with ``j`` the product of
    the earlier strides, a layer of kernel ``k`` and dilation ``d`` widens
    the field by ``d (k - 1) j``. For a network that branches, pass the
    chain you mean, e.g. ``model.encoder``.

    Parameters
    ----------
    layers : torch.nn.Module or sequence of (kernel, stride, dilation)
        The chain.

    Returns
    -------
    int
        Side of the square of input pixels one output pixel depends on.

    Raises
    ------
    TypeError
        If `layers` is neither.

    Examples
    --------
    >>> receptive_field([(3, 1, 1), (3, 2, 1), (3, 1, 2)])  # 3, then +2, then +2*2*2
    13
    """
    if isinstance(layers, nn.Module):
        kinds = (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)
        layers = [(_pair(m.kernel_size), _pair(m.stride), _pair(getattr(m, "dilation", 1)))
                  for m in layers.modules() if isinstance(m, kinds)]
    elif not isinstance(layers, (list, tuple)):
        raise TypeError(f"`layers` must be a torch.nn.Module or a list of (kernel, stride, dilation), got {type(layers).__name__}")
    field, jump = 1, 1
    for kernel, stride, dilation in layers:
        field += dilation * (kernel - 1) * jump
        jump *= stride
    return field


def _pair(value: int | tuple[int, ...]) -> int:
    return value[0] if isinstance(value, tuple) else value


def _conv(in_channels: int, out_channels: int, *, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, 3, stride, padding=dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


class SkipNet(nn.Module):
    """A small encoder-decoder for the scenes, with or without skip connections.

    The encoder has four stages, at 1/2, 1/4, 1/8 and 1/16 of the input
    size. The decoder depends on `fusion`:

    - ``"none"``: class scores at 1/16, bilinearly upsampled x16 (like FCN-32s);
    - ``"fcn"``: FCN's skip fusion: the scores are upsampled x2 by a
      :func:`bilinear_upsampler` (initialised bilinear, then learned) and
      added to scores computed from the encoder stage of that size, three
      times, up to 1/2;
    - ``"unet"``: U-Net's: features are upsampled x2 and concatenated with
      the encoder's features of that size, then convolved, three times, up to 1/2.

    ``"fcn"`` and ``"unet"`` then upsample their 1/2-size scores bilinearly x2,
    a fixed interpolation. So does FCN-8s (Long et al., CVPR 2015, sections
    4.2-4.3): its intermediate x2 upsamplings are initialised bilinear and
    learned, its final x8 upsampling is fixed bilinear.

    Parameters
    ----------
    num_classes : int, optional
        Output channels.
    fusion : {"none", "fcn", "unet"}, optional
        How the decoder uses the finer stages.
    width : int, optional
        Channels of the first stage (doubling to 4 x `width`).

    Examples
    --------
    >>> model = SkipNet(fusion="unet").eval()
    >>> tuple(model(torch.zeros(1, 3, 40, 36))["out"].shape)
    (1, 5, 40, 36)
    """

    def __init__(self, num_classes: int = 5, *, fusion: str = "unet", width: int = 16) -> None:
        super().__init__()
        if fusion not in FUSIONS:
            raise ValueError(f"`fusion` must be one of {FUSIONS}, got {fusion!r}")
        self.fusion, w = fusion, check_int(width, name="width", minimum=1)
        widths = (w, 2 * w, 4 * w, 4 * w)
        self.encoder = nn.ModuleList([
            nn.Sequential(_conv(3, w, stride=2), _conv(w, w)),
            nn.Sequential(_conv(w, 2 * w, stride=2), _conv(2 * w, 2 * w)),
            nn.Sequential(_conv(2 * w, 4 * w, stride=2), _conv(4 * w, 4 * w)),
            nn.Sequential(_conv(4 * w, 4 * w, stride=2), _conv(4 * w, 4 * w, dilation=2)),
        ])
        if fusion == "unet":
            self.decoder = nn.ModuleList([_conv(widths[i + 1] + widths[i], widths[i]) for i in (2, 1, 0)])
            self.classifier = nn.Conv2d(w, num_classes, 1)
        else:
            self.classifier = nn.Conv2d(widths[3], num_classes, 1)
        if fusion == "fcn":
            self.skip_scores = nn.ModuleList([nn.Conv2d(widths[i], num_classes, 1) for i in (2, 1, 0)])
            self.upsamplers = nn.ModuleList([bilinear_upsampler(num_classes, 2) for _ in range(3)])

    def forward(self, batch: torch.Tensor) -> OrderedDict:
        """Return ``OrderedDict(out=logits)``, logits float [N, num_classes, H, W]."""
        check_batch(batch)
        features = []
        x = batch
        for stage in self.encoder:
            x = stage(x)
            features.append(x)
        if self.fusion == "none":
            out = self.classifier(x)
        elif self.fusion == "fcn":
            out = self.classifier(x)
            for skip, score, up in zip(features[2::-1], self.skip_scores, self.upsamplers):
                out = up(out)[..., :skip.shape[-2], :skip.shape[-1]] + score(skip)
        else:
            for skip, stage in zip(features[2::-1], self.decoder):
                x = stage(torch.cat([F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False), skip], 1))
            out = self.classifier(x)
        return OrderedDict(out=F.interpolate(out, size=batch.shape[-2:], mode="bilinear", align_corners=False))
