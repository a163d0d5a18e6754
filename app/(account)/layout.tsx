import type { ReactNode } from "react";
import { StepUpProvider } from "./step-up-dialog";

export default function AccountLayout({ children }: { children: ReactNode }): ReactNode {
  return <StepUpProvider>{children}</StepUpProvider>;
}
