// Shared by the entity and the API schemas; dependency-free, so a schema does not bring the entity into a bundle.
export const companySizes = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001+"] as const;

/**
 * The company key of a contact or deal that has no company: its by-company index then leaves it out (a sparse
 * index, see ELECTRODB P9).
 */
export const noCompany = "none";
