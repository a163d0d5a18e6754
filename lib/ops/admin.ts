/**
 * Who may see the admin page: the emails listed in ADMIN_EMAILS (comma-separated, case-insensitive).
 * Unset or empty → nobody.
 */
export function isAdminEmail(email: string, list: string | undefined = process.env.ADMIN_EMAILS): boolean {
  if (list === undefined) return false;
  const wanted = email.trim().toLowerCase();
  return list
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .some((entry) => entry !== "" && entry === wanted);
}
