public class Smoke { [Fact] public void One() => Assert.True(true); }
