using ECommerce.TestSupport;

// One moto_server for the whole assembly; each test makes its own table.
[assembly: AssemblyFixture(typeof(MotoServerFixture))]
