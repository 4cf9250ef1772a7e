"""Streaming counts from arrays, data frames, files and Dask, checked against Counter."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infobits as ib
from infobits.estimators import ValueCounts


def _counter(values):
    return dict(Counter(v for v in values if v is not None and v == v))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-5, 40), max_size=200), st.integers(1, 17))
def test_chunked_integer_counts_equal_counter_for_any_chunk_size(xs, chunk):
    vc = ib.count_values(np.array(xs, dtype=np.int64), chunk_rows=chunk)
    assert vc.to_dict() == _counter(xs)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "cc", "d"]), max_size=100), st.integers(1, 9))
def test_text_counts_equal_counter(xs, chunk):
    assert ib.count_values(xs, chunk_rows=chunk).to_dict() == _counter(xs)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 5), max_size=50), st.lists(st.integers(3, 9), max_size=50))
def test_counts_merge_by_addition(a, b):
    total = ib.count_values(np.array(a, dtype=int)) + ib.count_values(np.array(b, dtype=int))
    assert total.to_dict() == _counter(a + b)


def test_sparse_wide_integers_and_floats_with_nan():
    assert ib.count_values(np.array([10**12, 5, 10**12])).to_dict() == {5: 1, 10**12: 2}
    vc = ib.count_values(np.array([1.5, np.nan, 1.5, 2.0]))
    assert vc.to_dict() == {1.5: 2, 2.0: 1} and vc.missing == 1


def test_mixed_types_are_rejected_with_examples():
    with pytest.raises(ValueError, match="mixes types"):
        ib.count_values(["a", 1, "b"])


def test_two_dimensional_samples_are_rejected():
    with pytest.raises(ValueError, match="1-D"):
        ib.count_values(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="flat sequence"):
        ib.count_values([[1], [2, 3]])


def test_pandas_series_dataframe_and_missing_values():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"c": ["x", "y", None, "x"], "n": pd.array([1, None, 2, 1], dtype="Int64")})
    vc = ib.count_values(df, column="c", chunk_rows=3)
    assert vc.to_dict() == {"x": 2, "y": 1} and vc.missing == 1
    assert ib.count_values(df["n"]).to_dict() == {1: 2, 2: 1}
    with pytest.raises(ValueError, match="column 'zz' is not in"):
        ib.count_values(df, column="zz")
    with pytest.raises(ValueError, match="say which"):
        ib.count_values(df)


def test_pandas_categorical_does_not_count_unused_categories():
    pd = pytest.importorskip("pandas")
    s = pd.Series(pd.Categorical(["a", "b", "a"], categories=["a", "b", "zzz"]))
    vc = ib.count_values(s)
    assert vc.to_dict() == {"a": 2, "b": 1} and vc.support == 2


def test_polars_series_and_dataframe():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"c": [3, 1, 3, None, 3], "f": [0.5, float("nan"), 0.5, 1.0, None]})
    vc = ib.count_values(df, column="c", chunk_rows=2)
    assert vc.to_dict() == {1: 1, 3: 3} and vc.missing == 1
    vf = ib.count_values(df.get_column("f"))
    assert vf.to_dict() == {0.5: 2, 1.0: 1} and vf.missing == 2


def test_arrow_table_and_dictionary_column():
    pa = pytest.importorskip("pyarrow")
    t = pa.table({"c": pa.array(["u", "v", "u", None]).dictionary_encode()})
    vc = ib.count_values(t, column="c")
    assert vc.to_dict() == {"u": 2, "v": 1} and vc.missing == 1


def test_csv_and_parquet_files_stream_in_chunks(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    vals = rng.integers(0, 50, 5000)
    csv = tmp_path / "d.csv"
    csv.write_text("id,v\n" + "".join(f"{i},{v}\n" for i, v in enumerate(vals)))
    par = tmp_path / "d.parquet"
    pq.write_table(pa.table({"v": vals}), par, row_group_size=700)
    want = _counter(vals.tolist())
    assert ib.count_values(csv, column="v", chunk_rows=333).to_dict() == want
    assert ib.count_values(par, column="v", chunk_rows=333, progress=True).to_dict() == want
    assert ib.count_values(str(par), column="v").total == 5000


def test_file_errors_are_one_clear_sentence(tmp_path):
    empty = tmp_path / "e.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="empty"):
        ib.count_values(empty, column="v")
    mixed = tmp_path / "m.csv"
    mixed.write_text("v\n" + "1\n" * 3 + "apple\n")
    with pytest.raises(ValueError, match="mixes types"):
        ib.count_values(mixed, column="v")
    assert ib.count_values(mixed, column="v", as_text=True).to_dict() == {"1": 3, "apple": 1}
    late = tmp_path / "late.csv"  # the text value comes after the first block was typed
    late.write_text("v\n" + "7\n" * 2_000_000 + "pear\n")
    with pytest.raises(ValueError, match="mixes types"):
        ib.count_values(late, column="v")
    with pytest.raises(ValueError, match="column 'w' is not in"):
        ib.count_values(mixed, column="w")
    with pytest.raises(ValueError, match="format"):
        ib.count_values(
            tmp_path / "x.json" if (tmp_path / "x.json").write_text("{}") else "", column="v"
        )
    with pytest.raises(FileNotFoundError):
        ib.count_values(tmp_path / "nope.csv", column="v")


def test_dask_array_and_dataframe_are_counted_on_a_local_cluster():
    da = pytest.importorskip("dask.array")
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    vals = rng.integers(0, 20, 4000)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        arr = da.from_array(vals, chunks=500)
        vc = ib.count_values(arr)
        assert vc.to_dict() == _counter(vals.tolist())
        ddf = dd.from_pandas(pd.DataFrame({"v": vals, "w": vals % 3}), npartitions=4)
        assert ib.count_values(ddf, column="v").to_dict() == _counter(vals.tolist())
        e = ib.estimate_entropy(ddf["w"], method="plugin")
        assert e.n == 4000 and e.support == 3
        assert client.status == "running"


def test_import_infobits_does_not_import_data_frame_libraries():
    code = (
        "import sys, infobits; "
        "print(sorted(m for m in ('pandas', 'polars', 'pyarrow', 'dask') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_value_counts_repr_and_totals():
    vc = ib.count_values([1, 1, 2, None])
    assert isinstance(vc, ValueCounts)
    assert (vc.total, vc.support, vc.missing) == (3, 2, 1)
    assert "2 distinct values" in repr(vc)


# ----------------------------------------------------------------------------- text and missing


def test_csv_text_that_looks_like_a_null_is_a_label_unless_named(tmp_path):
    f = tmp_path / "c.csv"
    rows = ["NA", "NZ", "nan", "null", "N/A", "None", "", "NA"]
    f.write_text("country,k\n" + "".join(f"{c},{i}\n" for i, c in enumerate(rows)))
    vc = ib.count_values(f, column="country")
    assert vc.to_dict() == {"NA": 2, "NZ": 1, "nan": 1, "null": 1, "N/A": 1, "None": 1}
    assert vc.missing == 1  # only the empty field
    vc = ib.count_values(f, column="country", na_values=["NA", "N/A"])
    assert vc.missing == 4 and "NA" not in vc.to_dict()


def test_csv_codes_keep_their_leading_zeros_and_plain_numbers_stay_numbers(tmp_path):
    f = tmp_path / "z.csv"
    f.write_text("zip,n,x\n02134,3,0.5\n2134,-1,1.25\n02134,3,0.50\n")
    assert ib.count_values(f, column="zip").to_dict() == {"02134": 2, "2134": 1}
    assert ib.count_values(f, column="n").to_dict() == {-1: 1, 3: 2}
    assert ib.count_values(f, column="x").to_dict() == {0.5: 2, 1.25: 1}


def test_a_csv_column_of_numbers_and_a_null_marker_names_na_values(tmp_path):
    f = tmp_path / "m.csv"
    f.write_text("v\n1\n2\nNA\n2\n")
    with pytest.raises(ValueError, match=r"na_values=\['NA'\]"):
        ib.count_values(f, column="v")
    vc = ib.count_values(f, column="v", na_values="NA")
    assert vc.to_dict() == {1: 1, 2: 2} and vc.missing == 1


def test_na_values_apply_to_in_memory_text_too():
    vc = ib.count_values(["NA", "NZ", "NA", None], na_values=["NA"])
    assert vc.to_dict() == {"NZ": 1} and vc.missing == 3
    e = ib.estimate_entropy(["NA", "NZ", "NA", None], method="plugin", na_values=["NA"])
    assert e.missing == 3 and e.value == 0.0


def test_counting_is_a_public_module():
    from infobits.estimators import counting

    assert counting.count_values is ib.count_values and counting.ValueCounts is ValueCounts
