// Which hazard categories count as distressing for reviewers (their content is
// blurred until clicked). MLCommons codes as Llama Guard emits them, plus the
// plain words other classifiers use, in any case and with "/"-qualifiers
// ("sexual/minors", "violence/graphic"). Pure; safe for client code.

/** S3 sex-related crimes, S4 child sexual exploitation, S11 self-harm, S12 sexual content. */
const SENSITIVE = new Set(["s3", "s4", "s11", "s12", "sexual", "violence", "self-harm", "minors"]);

export function isSensitiveCategory(category: string): boolean {
  return category
    .toLowerCase()
    .replace(/_/g, "-")
    .split("/")
    .some((part) => SENSITIVE.has(part.trim()));
}

export function sensitiveCategories(categories: Iterable<string>): string[] {
  return [...new Set([...categories].filter(isSensitiveCategory))].sort();
}
