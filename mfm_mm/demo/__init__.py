from .corpus import bundled_photos, write_imagenet_folder

__all__ = ['bundled_photos', 'write_imagenet_folder']
