"""AlexNet's ImageNet-C errors, the normaliser of the mean corruption error (mCE).

Top-1 error of torchvision's AlexNet on each ImageNet-C corruption, averaged over the five
severities (Hendrycks & Dietterich, ICLR 2019, as distributed with the evaluation code of the
benchmark). ``CE_c = sum_s E_{c,s} / sum_s E^AlexNet_{c,s}``, which equals the ratio of the
severity means tabulated here.
"""
STANDARD_CORRUPTIONS = (
    'gaussian_noise', 'shot_noise', 'impulse_noise',  # noise
    'defocus_blur', 'glass_blur', 'motion_blur', 'zoom_blur',  # blur
    'snow', 'frost', 'fog', 'brightness',  # weather
    'contrast', 'elastic_transform', 'pixelate', 'jpeg_compression',  # digital
)
EXTRA_CORRUPTIONS = ('speckle_noise', 'gaussian_blur', 'spatter', 'saturate')
ALEXNET_ERRORS = {
    'gaussian_noise': 0.886428,
    'shot_noise': 0.894468,
    'impulse_noise': 0.922640,
    'defocus_blur': 0.819880,
    'glass_blur': 0.826268,
    'motion_blur': 0.785948,
    'zoom_blur': 0.798360,
    'snow': 0.866816,
    'frost': 0.826572,
    'fog': 0.819324,
    'brightness': 0.564592,
    'contrast': 0.853204,
    'elastic_transform': 0.646056,
    'pixelate': 0.717840,
    'jpeg_compression': 0.606500,
    'speckle_noise': 0.845388,
    'gaussian_blur': 0.787108,
    'spatter': 0.717512,
    'saturate': 0.658248,
}
SEVERITIES = (1, 2, 3, 4, 5)
