"""Reading checkpoints safely (segtutor.models._checkpoints): the `weights` argument, the one reader,
its errors naming the file and the fix, and loading a state dict into a model.

The hostile files (code in a pickle) every entry point refuses are in tests/test_checkpoint_corpus.py.
"""

import copy
import dataclasses
import os
from pathlib import Path

import pytest
import torch

from segtutor import CheckpointError
from segtutor.models import load_state_dict, read_checkpoint
from segtutor.models._checkpoints import SHIPPED_FIX, Checkpoint, check_weights, file_signature, read_plain, read_state_dict

PATH_FIX = r"Save it again as a plain state dict: torch\.save\(model\.state_dict\(\), path\)\."


# --- the `weights` argument ---

def test_check_weights_passes_the_choices_and_returns_a_files_path(tmp_path):
    assert check_weights("pretrained") == "pretrained" and check_weights("random") == "random"
    (tmp_path / "mine.pth").write_bytes(b"")
    assert check_weights(str(tmp_path / "mine.pth")) == tmp_path / "mine.pth"
    assert isinstance(check_weights(str(tmp_path / "mine.pth")), Path)
    assert check_weights(tmp_path / "mine.pth") == tmp_path / "mine.pth"


def test_check_weights_refuses_a_wrong_type_a_misspelt_choice_and_a_missing_file(tmp_path):
    with pytest.raises(TypeError, match=r"^`weights` must be 'pretrained', 'random' or a path, got NoneType$"):
        check_weights(None)
    with pytest.raises(TypeError, match=r"^`weights` must be 'pretrained', 'random' or a path, got int$"):
        check_weights(1)
    with pytest.raises(ValueError, match=r"^`weights` must be 'pretrained', 'random' or a path, got 'pretraind'$"):
        check_weights("pretraind")
    with pytest.raises(FileNotFoundError, match=r"^`weights` checkpoint not found: .*none\.pth$"):
        check_weights(str(tmp_path / "none.pth"))  # a suffix: a path, not a misspelt choice
    with pytest.raises(FileNotFoundError, match=r"^`weights` checkpoint not found: .*pretraind$"):
        check_weights(tmp_path / "pretraind")  # a Path is a path even without a suffix
    with pytest.raises(ValueError, match=r"^`weights` '.*' is a folder, not a checkpoint file$"):
        check_weights(str(tmp_path))  # a folder is not a checkpoint file


# --- the one reader ---

def test_read_state_dict_gives_a_checkpoint_of_the_file(tmp_path):
    state = {"w": torch.arange(3.0), "b": torch.tensor([7])}
    torch.save(state, tmp_path / "ok.pth")
    checkpoint = read_state_dict(str(tmp_path / "ok.pth"))
    assert checkpoint.path == tmp_path / "ok.pth" and isinstance(checkpoint.path, Path)
    assert list(checkpoint.state) == ["w", "b"] and all(torch.equal(checkpoint.state[k], v) for k, v in state.items())
    assert (checkpoint.arguments, checkpoint.categories, checkpoint.fix) == ({}, None, "")
    assert "tensor" not in repr(checkpoint) and "state=" not in repr(checkpoint)
    with pytest.raises(dataclasses.FrozenInstanceError):
        checkpoint.path = tmp_path


def test_read_state_dict_ends_its_errors_with_the_fix(tmp_path):
    torch.save([torch.zeros(1)], tmp_path / "list.pth")
    with pytest.raises(CheckpointError, match=rf"^checkpoint file '.*list\.pth' holds a list, not a state dict of tensors\. {PATH_FIX}$"):
        read_state_dict(tmp_path / "list.pth")
    with pytest.raises(CheckpointError, match=r"^checkpoint file '.*list\.pth' holds a list, not a state dict of tensors\. Reinstall segtutor to restore it\.$"):
        read_state_dict(tmp_path / "list.pth", fix=SHIPPED_FIX)


def test_read_plain_reads_plain_data_and_refuses_objects(tmp_path):
    torch.save({"widths": [8, 16], "state": {"w": torch.ones(2)}}, tmp_path / "plain.pth")
    plain = read_plain(tmp_path / "plain.pth", fix="Fix it.")
    assert plain["widths"] == [8, 16] and torch.equal(plain["state"]["w"], torch.ones(2))
    torch.save({"w": torch.zeros(1), "extra": Custom()}, tmp_path / "object.pth")
    with pytest.raises(CheckpointError, match=r"^checkpoint file '.*object\.pth' is refused: unpickling it fully could run arbitrary code \(it holds a tests\.test_checkpoints\.Custom\)\. A checkpoint must hold only tensors and plain data\. Fix it\.$"):
        read_plain(tmp_path / "object.pth", fix="Fix it.")


def test_file_signature_is_size_mtime_and_inode_and_changes_when_the_file_is_replaced(tmp_path):
    path = tmp_path / "w.pth"
    path.write_bytes(b"abc")
    stat = os.stat(path)
    assert file_signature(str(path)) == (3, stat.st_mtime_ns, stat.st_ino)
    other = tmp_path / "other.pth"
    other.write_bytes(b"abc")
    replaced = other.rename(path)  # same size; another file
    assert file_signature(replaced)[0] == 3 and file_signature(replaced)[2] == os.stat(path).st_ino
    path.write_bytes(b"abcd")
    assert file_signature(path)[0] == 4


def test_read_checkpoint_round_trip(tmp_path):
    state = {"w": torch.arange(3.0)}
    torch.save(state, tmp_path / "ok.pth")
    assert torch.equal(read_checkpoint(tmp_path / "ok.pth")["w"], state["w"])


def test_truncated_checkpoint_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "cut.pth"
    torch.save({"w": torch.zeros(1000)}, path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(CheckpointError, match=r"^checkpoint file '.*cut\.pth' is corrupt, truncated or not a PyTorch checkpoint \(\w+\)\. Save it again as a plain state dict: torch\.save\(model\.state_dict\(\), path\)\.$"):
        read_checkpoint(path)
    with pytest.raises(CheckpointError, match=r"'.*cut\.pth' is corrupt, truncated or not a PyTorch checkpoint \(\w+\)\. Download it again\.$"):
        read_checkpoint(path, fix="Download it again.")


def test_garbage_checkpoint_is_corrupt(tmp_path):
    path = tmp_path / "junk.pth"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match=r"'.*junk\.pth' is corrupt, truncated or not a PyTorch checkpoint \(UnpicklingError\)\. Save it again"):
        read_checkpoint(path)


class Custom:
    pass


def test_checkpoint_needing_full_unpickling_is_refused(tmp_path):
    path = tmp_path / "pickled.pth"
    torch.save({"w": torch.zeros(1), "extra": Custom()}, path)
    with pytest.raises(CheckpointError, match=r"checkpoint file '.*pickled\.pth' is refused: unpickling it fully could run arbitrary code \(it holds a tests\.test_checkpoints\.Custom\)\. A checkpoint must hold only tensors and plain data\. Save it again"):
        read_checkpoint(path)


def test_checkpoint_that_is_not_a_state_dict(tmp_path):
    torch.save([torch.zeros(1)], tmp_path / "list.pth")
    with pytest.raises(CheckpointError, match=r"'.*list\.pth' holds a list, not a state dict of tensors\. Save it again"):
        read_checkpoint(tmp_path / "list.pth")
    torch.save({1: torch.zeros(1)}, tmp_path / "int_keys.pth")
    with pytest.raises(CheckpointError, match=r"'.*int_keys\.pth' holds a dict, not a state dict of tensors"):
        read_checkpoint(tmp_path / "int_keys.pth")


def test_missing_checkpoint_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"checkpoint file '.*none\.pth' does not exist"):
        read_checkpoint(tmp_path / "none.pth")


# --- loading a state dict into a model ---

def test_load_state_dict_explains_mismatches():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.Conv2d(4, 21, 1))
    state = model.state_dict()
    state["1.weight"] = torch.zeros(10, 4, 1, 1)
    state.pop("0.bias")
    state["head.weight"] = torch.zeros(1)
    with pytest.raises(CheckpointError) as info:
        load_state_dict(model, state, source="checkpoint file 'x.pth'")
    message = str(info.value)
    assert message.startswith("checkpoint file 'x.pth' does not fit Sequential: 1 missing keys (e.g. 0.bias)")
    assert "1 unexpected keys (e.g. head.weight)" in message
    assert "1 shape mismatches (e.g. 1.weight: checkpoint (10, 4, 1, 1) vs model (21, 4, 1, 1))" in message
    assert "another number of classes" in message


def test_load_state_dict_fills_in_batchnorms_counter_missing_from_old_checkpoints():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.BatchNorm2d(4))
    old = {k: v.clone() + 1 for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}
    load_state_dict(model, old, source="checkpoint file 'old.pth'")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in old.items())
    assert model.state_dict()["1.num_batches_tracked"] == 0


def test_load_state_dict_loads_nothing_when_something_does_not_fit():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.Conv2d(4, 21, 1))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    state = {k: torch.ones_like(v) for k, v in before.items()}
    state["1.bias"] = torch.ones(5)
    with pytest.raises(CheckpointError, match=r"does not fit Sequential: 1 shape mismatches"):
        load_state_dict(model, state, source="checkpoint file 'x.pth'")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in before.items())


def test_load_state_dict_copies_the_values_and_ends_with_the_fix():
    model = torch.nn.Linear(2, 3)
    state = {"weight": torch.arange(6.0).reshape(3, 2), "bias": torch.tensor([1.0, 2.0, 3.0])}
    load_state_dict(model, state, source="checkpoint file 'x.pth'")
    assert torch.equal(model.weight.detach(), torch.arange(6.0).reshape(3, 2))
    state["weight"].fill_(-1)  # the caller's tensors are not the model's
    assert torch.equal(model.weight.detach(), torch.arange(6.0).reshape(3, 2))
    state["bias"] = torch.zeros(4)
    with pytest.raises(CheckpointError, match=r"^checkpoint file 'x\.pth' does not fit Linear: 1 shape mismatches \(e\.g\. bias: checkpoint \(4,\) vs model \(3,\)\)\. Is it for another architecture or another number of classes\? Reinstall segtutor to restore it\.$"):
        load_state_dict(model, state, source="checkpoint file 'x.pth'", fix=SHIPPED_FIX)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    sparse = {"bias": torch.ones(3), "weight": torch.ones(3, 2).to_sparse()}  # right keys and shapes, wrong layout
    with pytest.raises(CheckpointError, match=r"^checkpoint file 'x\.pth' does not fit Linear: 1 type mismatches \(e\.g\. weight: checkpoint floating \(sparse_coo\) vs model floating\)\. Is it for another architecture or another number of classes\? Fix it\.$"):
        load_state_dict(model, sparse, source="checkpoint file 'x.pth'", fix="Fix it.")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in before.items())  # not half loaded: the bias is untouched


@pytest.mark.parametrize("dtype, kind", [(torch.int8, "integer"), (torch.bool, "bool"), (torch.complex64, "complex")])
def test_a_state_dict_of_another_kind_of_number_is_refused_and_loads_nothing(dtype, kind):
    model = torch.nn.Linear(2, 3)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    state = {"bias": torch.ones(3), "weight": torch.ones(3, 2).to(dtype)}
    with pytest.raises(CheckpointError, match=rf"^checkpoint file 'x\.pth' does not fit Linear: 1 type mismatches \(e\.g\. weight: checkpoint {kind} vs model floating\)\."):
        load_state_dict(model, state, source="checkpoint file 'x.pth'")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in before.items())
    load_state_dict(model, {"bias": torch.ones(3, dtype=torch.float64), "weight": torch.ones(3, 2, dtype=torch.float16)},
                    source="checkpoint file 'x.pth'")  # another float width fits, converted to the model's
    assert model.weight.dtype == torch.float32 and torch.equal(model.weight.detach(), torch.ones(3, 2))


def test_checkpoint_holds_what_the_build_path_needs(tmp_path):
    checkpoint = Checkpoint(tmp_path / "t.pt", {"w": torch.ones(1)}, arguments={"widths": (8,)}, categories=("a", "b"), fix="F")
    assert (checkpoint.arguments, checkpoint.categories, checkpoint.fix) == ({"widths": (8,)}, ("a", "b"), "F")


def test_check_weights_says_what_a_path_that_is_no_file_is(tmp_path):
    with pytest.raises(ValueError, match=r"^`weights` is an empty string; pass 'pretrained', 'random' or the path of a checkpoint file$"):
        check_weights("")
    with pytest.raises(ValueError, match=r"^`weights` '.*folder\.pth' is a folder, not a checkpoint file$"):
        (tmp_path / "folder.pth").mkdir()
        check_weights(tmp_path / "folder.pth")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.pth")
        with pytest.raises(ValueError, match=r"^`weights` '.*pipe\.pth' is a FIFO \(named pipe\), not a checkpoint file$"):
            check_weights(str(tmp_path / "pipe.pth"))
    if os.path.exists("/dev/zero"):
        with pytest.raises(ValueError, match=r"^`weights` '/dev/zero' is a character device, not a checkpoint file$"):
            check_weights("/dev/zero")


class _RunsCode:
    def __reduce__(self):
        return (os.system, ("echo this must never run",))


def test_a_checkpoint_that_would_call_os_system_is_refused_as_unsafe_not_corrupt(tmp_path):
    path = tmp_path / "evil.pth"
    torch.save({"w": torch.zeros(1), "x": _RunsCode()}, path)
    with pytest.raises(CheckpointError, match=rf"^checkpoint file '.*evil\.pth' is refused: unpickling it fully could run arbitrary "
                                              rf"code \(it holds a {os.name}\.system\)\. A checkpoint must hold only tensors"):
        read_checkpoint(path)


def _conv_bn():
    return torch.nn.Sequential(torch.nn.Conv2d(3, 2, 1), torch.nn.BatchNorm2d(2))


@pytest.mark.parametrize("key, value, message", [
    ("0.weight", float("nan"), r"holds 6 non-finite values \(inf or NaN\) in '0\.weight': a model with them answers NaN; "
                               r"was it saved after training diverged\? Use one saved before\. Save it again$"),
    ("1.bias", float("inf"), r"holds 2 non-finite values \(inf or NaN\) in '1\.bias'"),
    ("1.running_var", -1.0, r"holds negative BatchNorm variances in '1\.running_var' \(min -1\): a variance is never below 0, "
                            r"so the file is damaged; use another copy\. Save it again$"),
])
def test_load_state_dict_refuses_values_a_model_can_only_answer_nan_with(key, value, message):
    model, state = _conv_bn(), _conv_bn().state_dict()
    state[key] = torch.full_like(state[key], value)
    before = copy.deepcopy(model.state_dict())
    with pytest.raises(CheckpointError, match=r"^the file " + message):
        load_state_dict(model, state, source="the file", fix="Save it again")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())  # nothing was loaded


def test_load_state_dict_refuses_a_nested_tensor_with_a_checkpoint_error():
    model, state = _conv_bn(), _conv_bn().state_dict()
    state["0.weight"] = torch.nested.nested_tensor([torch.zeros(3, 1, 1), torch.zeros(3, 1, 1)])
    with pytest.raises(CheckpointError, match=r"^the file holds 1 nested tensors \(e\.g\. 0\.weight\); a state dict holds "
                                              r"plain tensors: save model\.state_dict\(\) again\. Save it again$"):
        load_state_dict(model, state, source="the file", fix="Save it again")
