"""Notebook 01 · the pipeline: a PIL image and a model in, the (H, W) class map out."""

import torchvision.transforms as T

import segtutor


def uses_aux(model, image):
    return model(segtutor.preprocess(image))["aux"].argmax(dim=1)[0]


def forgets_normalize(model, image):
    batch = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor()])(image).unsqueeze(0)
    return model(batch)["out"].argmax(dim=1)[0]


def keeps_batch_axis(model, image):
    return model(segtutor.preprocess(image))["out"].argmax(dim=1)


def returns_scores(model, image):
    return model(segtutor.preprocess(image))["out"][0]


CASE = "(on a 300x240 photo)."
EXERCISES = [
    ("check_pipeline", "segment_image", [
        (uses_aux, f"Not yet. Use output['out'], the final scores; 'aux' is the auxiliary head's {CASE}"),
        (forgets_normalize, "Not yet. Normalize with the ImageNet mean and std after ToTensor: segtutor.preprocess runs "
                            f"the whole recipe {CASE}"),
        (keeps_batch_axis, f"Not yet. Return the class map of the one image, [H, W]: drop the batch axis {CASE}"),
        (returns_scores, "Not yet. Your function returns scores (torch.float32); argmax over the class axis turns them "
                         f"into class ids {CASE}"),
    ]),
]
