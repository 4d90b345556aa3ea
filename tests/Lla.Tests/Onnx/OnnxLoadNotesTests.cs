using Lla.Onnx;
using Lla.Tests.Support;

namespace Lla.Tests.Onnx;

public class OnnxLoadNotesTests
{
    public OnnxLoadNotesTests() => TestTorch.Init();

    /// <summary>Widened tensors of one kind are counted, naming the first; other kinds stay apart.</summary>
    [Fact]
    public void Many_widened_tensors_of_one_kind_are_one_counted_note()
    {
        var lines = new[] { "initializer 'a': float16 read as float32", "initializer 'b': float16 read as float32", "constant 'c': uint32 read as int64" };
        Assert.Equal(new[] { "2 stored tensors float16 read as float32 (the first: initializer 'a')", "constant 'c': uint32 read as int64" },
            OnnxLoadNotes.Summarize([], lines));
    }

    /// <summary>Tied initializers are each said in full; an export with neither ties nor widened tensors says nothing.</summary>
    [Fact]
    public void Tied_initializers_are_each_noted_and_a_plain_export_has_no_note()
    {
        using (var tied = OnnxModel.Load(Paths.Fixture(Path.Combine("onnx-zoo", "tied_cnn.onnx"))))
            Assert.Equal(tied.TiedInitializerNotes, OnnxLoadNotes.Of(tied));
        using var plain = OnnxModel.Load(OnnxTestData.Model("lenet"));
        Assert.Empty(OnnxLoadNotes.Of(plain));
    }
}
