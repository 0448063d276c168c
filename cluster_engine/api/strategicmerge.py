"""Strategic merge patch (`application/strategic-merge-patch+json`), applied as upstream's apiserver applies it.

A port of the apply half of k8s.io/apimachinery/pkg/util/strategicpatch (StrategicMergeMapPatch with the server's
options: deletion lists are merged, unmatched nulls are dropped). Maps merge and `null` deletes a key; a list merges
only when its field says `x-kubernetes-patch-strategy: merge`, by its merge key, otherwise the patch replaces it.
Directives: `$patch: replace|delete` in a map, `$patch: replace|delete` in an element of a merging list,
`$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` and `$retainKeys`. Lists keep the order upstream
gives them: the patch's order (or `$setElementOrder`'s) for the items it names, the live order for the others,
interleaved as the live object had them.

A malformed patch gets the answer upstream's apiserver gives (interpretStrategicMergePatchError): 400 for a badly
formed directive list, 422 for lists of lists, and a reason-less 500 carrying the merge code's own message for the
rest (a missing merge key, an unknown `$patch`), exactly as a real cluster answers.
"""

from . import errors, gofmt
from .clone import clone
from .patchmeta import PatchType, internal

DIRECTIVE = "$patch"
DELETE = "delete"
REPLACE = "replace"
MERGE = "merge"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"

# k8s.io/apimachinery/pkg/util/mergepatch/errors.go, and the status interpretStrategicMergePatchError gives each.
BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"
NO_LIST_OF_LISTS = "lists of lists are not supported"

_ABSENT = object()


def apply(current: dict, patch: dict, definition: str) -> dict:
    """The object `current` (of the upstream type `definition`) with `patch` applied; neither argument changes."""
    return _merge_map(clone(current), clone(patch), PatchType.named(definition))


def _merge_map(original: dict, patch: dict, schema: PatchType) -> dict:
    """mergeMap."""
    if DIRECTIVE in patch:
        return _map_directive(patch[DIRECTIVE], patch)
    _apply_retain_keys(original, patch)
    _merge_ordered_lists(original, patch, schema)
    for key, value in list(patch.items()):
        deletion_list = key.startswith(DELETE_FROM_PRIMITIVE_LIST)
        if deletion_list:
            key = _field_of(key, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST)
        if value is None:
            original.pop(key, None)
            continue
        present = original.get(key, _ABSENT)
        both_maps = isinstance(present, dict) and isinstance(value, dict)
        both_lists = isinstance(present, list) and isinstance(value, list)
        if both_maps:
            field, strategy, _ = schema.field(key)
            original[key] = value if strategy == REPLACE else _merge_map(present, value, field)
        elif both_lists:
            element, strategy, merge_key = schema.list_field(key)
            if strategy == MERGE or deletion_list:
                original[key] = _merge_list(present, value, element, merge_key, deletion_list)
            else:
                original[key] = value
        elif not deletion_list or (present is not _ABSENT and gofmt.type_name(present) == gofmt.type_name(value)):
            _take(original, key, value)
    return original


def _take(original: dict, key: str, value) -> None:
    """A patch value with nothing to merge into: its nulls and directives go (discardNullValuesFromPatch,
    removeDirectives); a value that is itself a directive leaves no key behind."""
    kept, keep = _without_directives(_without_nulls(value))
    if keep:
        original[key] = kept
    else:
        original.pop(key, None)


def _without_nulls(value):
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _without_directives(value) -> tuple[object, bool]:
    if isinstance(value, dict):
        if DIRECTIVE in value:
            return None, False
        cleaned = {}
        for key, item in value.items():
            kept, keep = _without_directives(item)
            if keep:
                cleaned[key] = kept
        return cleaned, True
    if isinstance(value, list):
        return [kept for kept, keep in map(_without_directives, value) if keep], True
    return value, True


def _map_directive(directive, patch: dict) -> dict:
    """handleDirectiveInMergeMap: `replace` keeps the patch as it is, `delete` empties the map."""
    if directive == REPLACE:
        del patch[DIRECTIVE]
        return patch
    if directive == DELETE:
        return {}
    raise internal(f"unknown patch type: {gofmt.s(directive)} in map: {gofmt.v(patch)}")


def _field_of(key: str, prefix: str, malformed: str) -> str:
    """extractKey: `$deleteFromPrimitiveList/finalizers` → `finalizers`."""
    head, slash, field = key.partition("/")
    if not slash or head != prefix:
        raise errors.bad_request(malformed)
    return field


def _apply_retain_keys(original: dict, patch: dict) -> None:
    """applyRetainKeysDirective: fields of `original` missing from the list go; the patch may set only listed ones."""
    if RETAIN_KEYS not in patch:
        return
    retained = patch.pop(RETAIN_KEYS)
    if not isinstance(retained, list):
        raise errors.bad_request(BAD_RETAIN_KEYS)
    listed = {key for key in retained if isinstance(key, str)}
    for key, value in patch.items():
        if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
            continue
        if key not in listed:
            raise errors.bad_request(BAD_RETAIN_KEYS)
    for key in [key for key in original if key not in listed]:
        del original[key]


def _merge_ordered_lists(original: dict, patch: dict, schema: PatchType) -> None:
    """mergePatchIntoOriginal: each `$setElementOrder/<field>` merges its list now and puts it in that order."""
    for key in [key for key in patch if key.startswith(SET_ELEMENT_ORDER)]:
        order = patch.pop(key)
        if not isinstance(order, list):
            raise _bad_type(gofmt.SLICE_TYPE, order)
        field = _field_of(key, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER)
        in_original, in_patch = field in original, field in patch
        live, patched = original.get(field, []), patch.get(field, [])
        if in_original and not isinstance(live, list):
            raise _bad_type(gofmt.SLICE_TYPE, live)
        if in_patch and not isinstance(patched, list):
            raise _bad_type(gofmt.SLICE_TYPE, patched)
        element, strategy, merge_key = schema.list_field(field)
        _check_order(patched, order, merge_key)
        if in_original and in_patch:
            merged = _merge_list(live, patched, element, merge_key, False) if strategy == MERGE else patched
        elif in_patch:
            merged = _without_directives(patched)[0]
        elif in_original:
            merged = live
        else:
            continue
        named, others = _partition(merged, order, merge_key)
        kind = _element_kind(live, patched)
        original[field] = _order(named, others, order, live, merge_key, kind)
        patch.pop(field, None)


def _check_order(patched: list, order: list, merge_key: str) -> None:
    """validatePatchWithSetOrderList: the patch's items (deletions aside) appear in the order list, in its order."""
    if not order or not patched:
        return
    kept = _split_deletions(patched)[0] if merge_key else patched
    at, position = 0, 0
    while at < len(kept) and position < len(order):
        if isinstance(kept[at], dict) and DIRECTIVE in kept[at]:
            at += 1
            continue
        if _merge_key_equal(kept[at], order[position], merge_key):
            at += 1
        position += 1
    if at < len(kept) and position >= len(order):
        raise internal(
            f"The order in patch list:\n{gofmt.v(patched)}\n doesn't match {SET_ELEMENT_ORDER} list:\n"
            f"{gofmt.v(order)}\n"
        )


def _merge_key_equal(left, right, merge_key: str) -> bool:
    if not merge_key:
        return _same(left, right)
    for side in (left, right):
        if not isinstance(side, dict):
            raise _bad_type(gofmt.MAP_TYPE, side)
        if merge_key not in side:
            raise _no_merge_key(side, merge_key)
    return _same(left[merge_key], right[merge_key])


def _merge_list(original: list, patch: list, element: PatchType, merge_key: str, deletion_list: bool) -> list:
    """mergeSlice: primitives as a set (or, from `$deleteFromPrimitiveList`, minus the listed values), maps by key."""
    if not original and not patch:
        return original
    kind = _element_kind(original, patch)
    if kind != gofmt.MAP_TYPE:
        if deletion_list:
            return [item for item in original if not _contains(patch, item)]
        merged = _deduplicate(original + patch)
    else:
        if not merge_key:
            raise internal(f"cannot merge lists without merge key for {element.kind}")
        live, patch, shared = _apply_list_directives(original, patch, merge_key)
        merged = _merge_by_key(live, patch, merge_key, element)
        if shared:
            _show_appended(original, len(live), merged[len(live) :])
        original = live
    named, others = _partition(merged, patch, merge_key)
    return _order(named, others, patch, original, merge_key, kind)


def _apply_list_directives(original: list, patch: list, merge_key: str) -> tuple[list, list, bool]:
    """mergeSliceWithSpecialElements: `$patch: delete` items delete by key, `$patch: replace` drops the live list.

    Returns the live items left, the patch's plain items, and whether the live items still share the caller's array.
    """
    plain, replace, length = [], False, len(original)
    for item in patch:
        if DIRECTIVE not in item:
            plain.append(item)
        elif item[DIRECTIVE] == DELETE:
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
            length = _delete_in_place(original, length, merge_key, item[merge_key])
        elif item[DIRECTIVE] == REPLACE:
            replace = True
        elif item[DIRECTIVE] == MERGE:
            raise internal("merging lists cannot yet be specified in the patch")
        else:
            raise internal(f"unknown patch type: {gofmt.s(item[DIRECTIVE])} in map: {gofmt.v(item)}")
    return (plain, [], False) if replace else (original[:length], plain, True)


def _delete_in_place(backing: list, length: int, merge_key: str, value) -> int:
    """deleteMatchingEntries. Go deletes with `append(s[:i], s[i+1:]...)`, which shifts the survivors down inside
    the caller's array and leaves its last slot stale; the caller reads that array again to order the merged list
    (mergePatchIntoOriginal), so its result depends on it, and upstream's own tests expect that result."""
    at = 0
    while at < length:
        if _same(backing[at].get(merge_key, _ABSENT), value):
            backing[at : length - 1] = backing[at + 1 : length]
            length -= 1
        else:
            at += 1
    return length


def _show_appended(backing: list, length: int, appended: list) -> None:
    """Go's `append` onto the shortened list writes the first new items into the caller's array, where deleted
    items were (its capacity is at least the caller's length; later items land past what the caller sees)."""
    room = len(backing) - length
    backing[length : length + min(room, len(appended))] = appended[:room]


def _merge_by_key(original: list, patch: list, merge_key: str, element: PatchType) -> list:
    """mergeSliceWithoutSpecialElements: an item whose key is live merges into it, any other is appended."""
    merged = list(original)
    for item in patch:
        if merge_key not in item:
            raise _no_merge_key(item, merge_key)
        position = _find(merged, merge_key, item[merge_key])
        if position is None:
            merged.append(item)
        else:
            merged[position] = _merge_map(merged[position], item, element)
    return merged


def _find(items: list, merge_key: str, value) -> int | None:
    """findMapInSliceBasedOnKeyValue."""
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise internal(f"value for key {position} is not a map.")
        if merge_key in item and _same(item[merge_key], value):
            return position
    return None


def _partition(merged: list, named_by: list, merge_key: str) -> tuple[list, list]:
    """partitionPrimitivesByPresentInList / partitionMapsByPresentInList: items the patch names, and the others."""
    named, others = [], []
    for item in merged:
        if merge_key:
            if not isinstance(item, dict):
                raise _bad_type(gofmt.MAP_TYPE, item)
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
            found = _find(named_by, merge_key, item[merge_key]) is not None
        else:
            found = _contains(named_by, item)
        (named if found else others).append(item)
    return named, others


def _order(named: list, others: list, named_order: list, live_order: list, merge_key: str, kind: str) -> list:
    """normalizeElementOrder: the named items in the patch's order, the others in the live order, then interleaved
    so that each keeps its live neighbours where both were live."""
    named = _sorted_by(named, named_order, merge_key, kind)
    others = _sorted_by(others, live_order, merge_key, kind)
    merged, left, right = [], 0, 0
    while left < len(others) or right < len(named):
        if right >= len(named):
            merged.append(others[left])
            left += 1
        elif left >= len(others):
            merged.append(named[right])
            right += 1
        else:
            left_at = _index(live_order, others[left], merge_key, kind)
            right_at = _index(live_order, named[right], merge_key, kind)
            if left_at >= 0 and right_at >= 0 and left_at < right_at:
                merged.append(others[left])
                left += 1
            else:
                merged.append(named[right])
                right += 1
    return merged


def _sorted_by(items: list, order: list, merge_key: str, kind: str) -> list:
    """normalizeSliceOrder: deletion directives go last, the rest in `order`'s order.

    Go's sort.SliceStable with upstream's comparison, which calls an item missing from `order` smaller than anything:
    an insertion sort, as Go runs on the short lists of a Kubernetes object.
    """
    deletions = []
    if kind == gofmt.MAP_TYPE:
        for item in items + order:
            if not isinstance(item, dict):
                raise _bad_type(gofmt.MAP_TYPE, item)
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
        items, deletions = _split_deletions(items)

    def less(first, second) -> bool:
        first_at = _index(order, first, merge_key, kind)
        second_at = _index(order, second, merge_key, kind) if first_at >= 0 else -1
        return first_at < second_at if first_at >= 0 and second_at >= 0 else True

    items = list(items)
    for start in range(1, len(items)):
        at = start
        while at > 0 and less(items[at], items[at - 1]):
            items[at], items[at - 1] = items[at - 1], items[at]
            at -= 1
    return items + deletions


def _index(items: list, wanted, merge_key: str, kind: str) -> int:
    def identity(item):
        if kind != gofmt.MAP_TYPE:
            return item
        return item.get(merge_key) if isinstance(item, dict) else None

    target = identity(wanted)
    return next((at for at, item in enumerate(items) if _same(identity(item), target)), -1)


def _split_deletions(items: list) -> tuple[list, list]:
    """extractToDeleteItems."""
    kept, deletions = [], []
    for item in items:
        if not isinstance(item, dict):
            raise _bad_type(gofmt.MAP_TYPE, item)
        (deletions if item.get(DIRECTIVE) == DELETE else kept).append(item)
    return kept, deletions


def _element_kind(*lists: list) -> str:
    """sliceElementType: every element of the lists must have one Go type, and not be a list."""
    kind = None
    for items in lists:
        for item in items:
            current = gofmt.type_name(item)
            if kind is None:
                kind = current
                if kind == gofmt.SLICE_TYPE:
                    raise errors.server_rejected(NO_LIST_OF_LISTS)
            elif current != kind:
                raise internal(f"list element types are not identical: {gofmt.v(list(lists))}")
    if kind is None:
        raise internal("no elements in any of the given slices")
    return kind


def _deduplicate(items: list) -> list:
    """deduplicateScalars, which fills a duplicate's place with the last item (so the order can change)."""
    items = list(items)
    last = len(items) - 1
    first = 0
    while first < last:
        second = first + 1
        while second <= last:
            if _same(items[first], items[second]):
                items[second] = items[last]
                items = items[:last]
                last -= 1
                second -= 1
            second += 1
        first += 1
    return items


def _same(left, right) -> bool:
    """Go's == on two interface values: the same dynamic type and an equal value."""
    return type(left) is type(right) and left == right


def _contains(items: list, wanted) -> bool:
    return any(_same(item, wanted) for item in items)


def _bad_type(expected: str, actual) -> errors.ApiError:
    """mergepatch.ErrBadArgType."""
    return internal(f"expected a {expected}, but received a {gofmt.type_name(actual)}")


def _no_merge_key(item: dict, merge_key: str) -> errors.ApiError:
    """mergepatch.ErrNoMergeKey."""
    return internal(f"map: {gofmt.v(item)} does not contain declared merge key: {merge_key}")
