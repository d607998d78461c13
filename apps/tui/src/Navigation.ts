/**
 * The console's places: six screens reached from the tab bar, and the views opened from them (an
 * account's numbers or API keys, one number's details). Views stack, so Esc returns to the list as it was left.
 */
import type { Wire } from "@senderid/contract"

export type View =
  | { readonly screen: "dashboard" }
  | { readonly screen: "reviews" }
  | { readonly screen: "accounts" }
  | { readonly screen: "expiring" }
  | { readonly screen: "deliveries" }
  | { readonly screen: "import" }
  | { readonly screen: "numbers"; readonly accountId: string }
  | { readonly screen: "keys"; readonly accountId: string }
  | { readonly screen: "detail"; readonly accountId: string; readonly senderId: Wire.SenderIdView }

export type TabScreen = "dashboard" | "reviews" | "accounts" | "expiring" | "deliveries" | "import"

export const TABS: ReadonlyArray<{ readonly screen: TabScreen; readonly title: string }> = [
  { screen: "dashboard", title: "Dashboard" },
  { screen: "reviews", title: "Reviews" },
  { screen: "accounts", title: "Accounts" },
  { screen: "expiring", title: "Expiring" },
  { screen: "deliveries", title: "Webhooks" },
  { screen: "import", title: "Import" }
]

/** What every screen is given: whether it has the keyboard, the space it may fill, and a way on. */
export interface ScreenProps {
  readonly active: boolean
  readonly width: number
  readonly height: number
  readonly open: (view: View) => void
}
