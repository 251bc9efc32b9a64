using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gatehouse.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScimProviderCountIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_SiteId_SsoStrategyId",
                table: "users");

            migrationBuilder.CreateIndex(
                name: "IX_users_SiteId_SsoStrategyId_AuthenticationMethod",
                table: "users",
                columns: new[] { "SiteId", "SsoStrategyId", "AuthenticationMethod" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_profiles_Deleted",
                table: "scim_user_profiles",
                columns: new[] { "SsoStrategyId", "UserId" },
                filter: "\"Deleted\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_SiteId_SsoStrategyId_AuthenticationMethod",
                table: "users");

            migrationBuilder.DropIndex(
                name: "IX_scim_user_profiles_Deleted",
                table: "scim_user_profiles");

            migrationBuilder.CreateIndex(
                name: "IX_users_SiteId_SsoStrategyId",
                table: "users",
                columns: new[] { "SiteId", "SsoStrategyId" });
        }
    }
}
