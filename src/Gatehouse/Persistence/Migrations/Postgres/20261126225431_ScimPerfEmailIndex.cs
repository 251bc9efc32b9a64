using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScimPerfEmailIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SCIM's emails.value filter (emails[type eq "work"].value eq "…") compares lower("Email"); EF cannot
            // model an expression index, and without one that filter scans the site's users.
            migrationBuilder.Sql("CREATE INDEX \"IX_users_SiteId_EmailLower\" ON \"users\" (\"SiteId\", lower(\"Email\"));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX \"IX_users_SiteId_EmailLower\";");
        }
    }
}
