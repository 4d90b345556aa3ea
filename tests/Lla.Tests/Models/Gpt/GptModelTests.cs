using Lla.Models;
using Lla.Models.Gpt;
using Lla.Objectives;
using Lla.Tests.Support;
using Lla.Vectors;

namespace Lla.Tests.Models.Gpt;

public class GptModelTests
{
    public GptModelTests() => TestTorch.Init();

    [Fact]
    public void Changing_a_future_token_leaves_earlier_logits_unchanged()
    {
        var (model, _) = GptHessianTests.Problem();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(new long[] { 1, 5, 2, 7 }).reshape(1, 4);
        var changed = ids.clone();
        changed[0, 2] = tensor(9L);
        var a = model.forward(ids);
        var b = model.forward(changed);
        Assert.Equal(0.0, (a[0, ..2] - b[0, ..2]).abs().max().ToDouble());
        Assert.True((a[0, 2..] - b[0, 2..]).abs().max().ToDouble() > 1e-3, "the changed position and later ones must see the change");
    }

    [Fact]
    public void Logits_have_one_row_per_position_and_float_ids_are_read_as_integers()
    {
        var (model, _) = GptHessianTests.Problem();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(new long[] { 1, 5, 2, 7, 0, 3 }).reshape(2, 3);
        var logits = model.forward(ids);
        Assert.Equal(new long[] { 2, 3, 11 }, logits.shape);
        Assert.True(logits.eq(model.forward(ids.to(ScalarType.Float64))).all().item<bool>());
    }

    [Fact]
    public void Parameter_names_are_nanogpts_and_the_head_is_the_token_embedding()
    {
        var model = ModelZoo.Create(new ModelSpec("gpt:layers=2,heads=2,width=8,context=4,vocab=11", new long[] { 4 }, 11));
        var names = model.named_parameters().Select(p => p.name).ToList();
        foreach (var expected in new[] { "transformer.wte.weight", "transformer.wpe.weight", "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias",
                     "transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_attn.bias", "transformer.h.0.attn.c_proj.weight", "transformer.h.1.ln_2.bias",
                     "transformer.h.1.mlp.c_fc.weight", "transformer.h.1.mlp.c_proj.bias", "transformer.ln_f.weight", "transformer.ln_f.bias" })
            Assert.Contains(expected, names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.DoesNotContain("lm_head.weight", names);
        var noBias = ModelZoo.Create(new ModelSpec("gpt:layers=2,heads=2,width=8,context=4,vocab=11,bias=false", new long[] { 4 }, 11));
        Assert.DoesNotContain(noBias.named_parameters(), p => p.name.EndsWith(".bias"));
        Assert.Equal(GptConfig.Parse("gpt:layers=2,heads=2,width=8,context=4,vocab=11,bias=false").ParameterCount, ParameterSet.Of(noBias).Dimension);
    }

    /// <summary>GPT-2 small: 124,439,808 parameters (Hugging Face's count of GPT2Model, wte tied, wpe included); gpt-nano as documented.</summary>
    [Fact]
    public void Parameter_counts_of_the_presets()
    {
        Assert.Equal(124_439_808L, GptConfig.Gpt2Small.ParameterCount);
        Assert.Equal(85_056_000L, GptConfig.Gpt2Small.NonEmbeddingParameterCount);
        Assert.Equal(793_344L, GptConfig.Nano.NonEmbeddingParameterCount);
        Assert.Equal(7_242_624L, GptConfig.Nano.ParameterCount);
        var nano = ModelZoo.Create(new ModelSpec("gpt-nano", new long[] { 128 }, 50257));
        Assert.Equal(GptConfig.Nano.ParameterCount, ParameterSet.Of(nano).Dimension);
        Assert.Equal(GptConfig.Parse("gpt:layers=2,heads=2,width=8,context=4,vocab=11").ParameterCount,
            ParameterSet.Of(GptHessianTests.Problem().Model).Dimension);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Gpt2_small_builds_with_the_counted_parameters()
    {
        var model = ModelZoo.Create(new ModelSpec("gpt2-small", new long[] { 1024 }, 50257));
        Assert.Equal(124_439_808L, model.parameters().Sum(p => p.numel()));
    }

    [Theory]
    [InlineData("gpt:layers=2,heads=2,width=8,context=4", 2, 2, 8, 4, 50257, GeluKind.Exact, true)]
    [InlineData("gpt:context=16,width=32,heads=4,layers=1,vocab=256,gelu=tanh,bias=false", 1, 4, 32, 16, 256, GeluKind.Tanh, false)]
    public void Specs_parse(string spec, int layers, int heads, int width, int context, int vocab, GeluKind gelu, bool bias)
    {
        Assert.True(ModelZoo.Knows(spec));
        Assert.Equal(new GptConfig(layers, heads, width, context, vocab, gelu, bias), GptConfig.Parse(spec));
    }

    [Theory]
    [InlineData("gpt:layers=2,heads=2,width=8", "key 'context' is missing")]
    [InlineData("gpt:layers=2,heads=2,width=8,context=4,depth=3", "unknown key 'depth'")]
    [InlineData("gpt:layers=2,heads=3,width=8,context=4", "key 'width' (8) must be a multiple of key 'heads' (3)")]
    [InlineData("gpt:layers=0,heads=2,width=8,context=4", "key 'layers' must be a positive integer (got '0')")]
    [InlineData("gpt:layers=2,heads=2,width=8,context=4,gelu=erf", "key 'gelu' must be exact or tanh (got 'erf')")]
    [InlineData("gpt:layers=2,heads=2,width=8,context=4,bias=yes", "key 'bias' must be true or false (got 'yes')")]
    [InlineData("gpt:layers=2,layers=3,heads=2,width=8,context=4", "key 'layers' is given twice")]
    [InlineData("gpt:layers", "'layers' is not key=value")]
    [InlineData("gpt:layers=2,heads=2,width=8,context=4,dropout=1", "key 'dropout' must be a probability from 0 up to, not including, 1 (got '1')")]
    [InlineData("gpt:layers=2,heads=2,width=8,context=4,dropout=NaN", "key 'dropout' must be a probability")]
    public void A_malformed_spec_is_one_line_naming_the_bad_key(string spec, string expected)
    {
        Assert.True(ModelZoo.Knows(spec)); // known as a GPT, refused with the reason rather than "unknown model"
        var e = Assert.Throws<LlaException>(() => ModelZoo.Create(new ModelSpec(spec, new long[] { 4 }, 11)));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        var resolved = Assert.Throws<LlaException>(() => ModelSource.Resolve(spec, "none", "npy:x.npy", "float64", 0));
        Assert.Contains(expected, resolved.Message);
    }

    [Fact]
    public void Dropout_acts_in_training_only_adds_no_parameters_and_the_guard_checks_with_it_off()
    {
        var config = GptConfig.Parse("gpt:layers=2,heads=2,width=16,context=8,vocab=50,dropout=0.3");
        Assert.Equal(0.3, config.Dropout);
        Assert.Equal(config with { Dropout = 0 }, GptConfig.Parse("gpt:layers=2,heads=2,width=16,context=8,vocab=50"));
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var model = new GptModel(config);
        using var plain = new GptModel(config with { Dropout = 0 });
        // The same parameters by name: nanoGPT's state dicts load either way.
        Assert.Equal(plain.state_dict().Keys, model.state_dict().Keys);
        using (no_grad()) foreach (var (name, t) in plain.state_dict()) t.copy_(model.state_dict()[name]);
        var ids = randint(0, 50, new long[] { 3, 8 }, dtype: ScalarType.Int64, generator: new Generator(5));
        using (no_grad())
        {
            model.eval();
            Assert.Equal(0.0, model.forward(ids).sub(plain.forward(ids)).abs().max().ToDouble());
            model.train();
            var first = model.forward(ids);
            var second = model.forward(ids);
            Assert.True(first.sub(second).abs().max().ToDouble() > 1e-3, "two training passes draw two masks");
        }
        // The training guard compares float32 with float64 in train mode: with dropout on it would compare two masks.
        var targets = randint(0, 50, new long[] { 3, 8 }, dtype: ScalarType.Int64, generator: new Generator(6));
        using var twin = new GptModel(config);
        twin.to(ScalarType.Float64);
        using (no_grad()) foreach (var (name, t) in twin.state_dict()) t.copy_(model.state_dict()[name]);
        twin.train();
        var report = Lla.Guard.NumericGuard.Check(model, twin, LossFunctions.NextTokenCrossEntropy, new Lla.Data.Batch(ids, targets), Lla.Guard.GuardProbe.Training);
        Assert.True(report.Passed, report.Finding);
        Assert.True(model.training && model.modules().All(m => m.training), "the guard restores the modes");
    }

    [Fact]
    public void Data_that_does_not_fit_the_model_is_refused()
    {
        Assert.Contains("context of 4 tokens, the data's windows hold 8",
            Assert.Throws<LlaException>(() => ModelZoo.Create(new ModelSpec(GptHessianTests.Small, new long[] { 8 }, 11))).Message);
        Assert.Contains("beyond gpt:layers=2,heads=2,width=8,context=4,vocab=11's vocabulary of 11",
            Assert.Throws<LlaException>(() => ModelZoo.Create(new ModelSpec(GptHessianTests.Small, new long[] { 4 }, 12))).Message);
        Assert.Contains("reads windows of token ids",
            Assert.Throws<LlaException>(() => ModelZoo.Create(new ModelSpec(GptHessianTests.Small, new long[] { 1, 28, 28 }, 10))).Message);
    }

    [Fact]
    public void A_gpt_gets_the_next_token_loss()
    {
        Assert.Equal(LossKind.NextToken, ModelSource.Resolve("gpt-nano", "none", "npy:x.npy", "float32", 0).Loss);
        Assert.Equal(LossKind.NextToken, ModelSource.Resolve("gpt2-small", "none", "npy:x.npy", "float32", 0, "next-token").Loss);
        var e = Assert.Throws<LlaException>(() => ModelSource.Resolve(GptHessianTests.Small, "none", "npy:x.npy", "float32", 0, "mse"));
        Assert.Contains("does not apply", e.Message);
        Assert.Equal("next-token", LossKind.NextToken.Name());
    }
}
